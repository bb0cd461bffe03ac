import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import type { App } from '../app';
import type { GraphQLLimits } from '../config/config';
import { createApollo } from '../graphql/apollo';
import { createContext } from '../graphql/context';
import { metricsEndpoint, timeRequests } from './metrics-endpoint';
import { assignRequestId, requestIdOf } from './request-id';
import type { TrustProxy } from './trust-proxy';

export interface HttpOptions {
  readonly port: number;
  readonly production: boolean;
  readonly trustProxy: TrustProxy;
  readonly graphqlLimits: GraphQLLimits;
  /** Bind address; all interfaces when undefined. */
  readonly host?: string;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Stops accepting, lets requests in flight finish, then resolves. */
  stop(): Promise<void>;
}

// 100 kB as documented, in bytes (body-parser's '100kb' would be 102 400).
const BODY_LIMIT = 100_000;
const HEALTH_TIMEOUT_MS = 2_000;

export async function startHttpServer(app: App, logger: Logger, options: HttpOptions): Promise<RunningServer> {
  const http = createServer();
  const apollo = createApollo({ schema: app.schema, production: options.production, logger, limits: options.graphqlLimits, httpServer: http });
  await apollo.start();

  const web = express();
  web.disable('x-powered-by');
  // Express would hash every answer for an ETag, POSTs included: GraphQL answers depend on the
  // caller and no client revalidates them, so the hashing was CPU spent on every request.
  web.set('etag', false);
  web.set('trust proxy', options.trustProxy);
  web.use(assignRequestId());

  if (app.metrics) {
    web.get('/metrics', metricsEndpoint(app.metrics));
    web.use('/graphql', timeRequests(app.metrics));
  }

  web.get('/health', async (_req, res) => {
    const healthy = await withTimeout(app.database.ping(), HEALTH_TIMEOUT_MS).then(
      () => true,
      () => false,
    );
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'unavailable' });
  });

  // The public halves of the signing keys, for any service that verifies tokens. Served from
  // memory; verifiers may cache it JWKS_MAX_AGE, which is why a key is published that long before it signs.
  web.get('/.well-known/jwks.json', (_req, res) => {
    res.setHeader('cache-control', `public, max-age=${app.jwksMaxAgeSeconds}`);
    res.type('application/json').send(app.keyRing.jwks());
  });

  web.use(
    '/graphql',
    (_req, res, next) => {
      // Answers carry tokens and personal data: no cache, shared or private, may keep them.
      res.setHeader('cache-control', 'no-store');
      next();
    },
    express.json({ limit: BODY_LIMIT }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) =>
        createContext(app.authenticate, {
          authorization: req.headers.authorization,
          ip: req.ip,
          userAgent: req.get('user-agent'),
          requestId: requestIdOf(res),
        }),
    }),
  );

  web.use(bodyErrors(logger));
  http.on('request', web);

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? 'localhost'}:${port}/graphql`,
    port,
    stop: () => apollo.stop(),
  };
}

/** Body too large (413) or not JSON (400): answered as GraphQL errors, nothing executed. */
function bodyErrors(logger: Logger): ErrorRequestHandler {
  return (error: { status?: number; type?: string }, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status = typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    const message =
      status === 413 ? `Request body over ${BODY_LIMIT} bytes` : status === 400 ? 'Request body is not valid JSON' : 'Internal server error';
    if (status === 500) logger.error({ type: error.type, requestId: requestIdOf(res) }, 'http error');
    else logger.info({ status, outcome: error.type ?? 'bad request', requestId: requestIdOf(res) }, 'http request refused');
    res.status(status).json({ errors: [{ message, extensions: { code: status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }] });
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
