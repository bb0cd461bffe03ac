import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import proxyAddr from 'proxy-addr';
import type { Logger } from 'pino';
import type { App } from '../app';
import { type Clock, systemClock } from '../clock';
import type { GraphQLLimits } from '../config/config';
import { createApollo } from '../graphql/apollo';
import { createContext } from '../graphql/context';
import { createGraphqlFastPath } from './graphql-fast-path';
import { appOriginOf, corsForAppOrigins } from './cors';
import { bodyErrors, jsonBody } from './json-body';
import { metricsEndpoint, timeRequests } from './metrics-endpoint';
import { type MetricsAccess, metricsPlacement, openMetricsPort } from './metrics-exposure';
import { refreshTokenTransport } from './refresh-cookie';
import { assignRequestId, requestIdOf } from './request-id';
import { noSniff, noStore } from './security-headers';
import type { TrustProxy } from './trust-proxy';

export interface HttpOptions {
  readonly port: number;
  readonly production: boolean;
  readonly trustProxy: TrustProxy;
  readonly graphqlLimits: GraphQLLimits;
  /** Bind address; all interfaces when undefined. */
  readonly host?: string;
  /** METRICS_TOKEN and METRICS_PORT; neither by default. */
  readonly metrics?: MetricsAccess;
  /** APP_ORIGINS: CORS with credentials, and the refresh token as a cookie, for these alone. */
  readonly appOrigins?: readonly string[];
  /** For the refresh cookie's Max-Age; the system clock unless given. */
  readonly clock?: Clock;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** The port /metrics is served on when METRICS_PORT set one. */
  readonly metricsPort: number | undefined;
  /** Stops accepting, lets requests in flight finish, then resolves. */
  stop(): Promise<void>;
}

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
  web.use(noSniff(), assignRequestId());

  const metricsAccess = options.metrics ?? { token: undefined, port: undefined };
  const placement = metricsPlacement(metricsAccess, options.production);
  const metrics = app.metrics && metricsEndpoint(app.metrics, metricsAccess.token);
  if (app.metrics && metrics) {
    if (placement === 'main') web.get('/metrics', metrics);
    web.use('/graphql', timeRequests(app.metrics));
  }

  // A health answer is of the moment: a cache replaying it would hide an outage.
  web.get('/health', noStore(), async (_req, res) => {
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

  const appOrigins = new Set(options.appOrigins ?? []);
  const clock = options.clock ?? systemClock;
  web.use(
    '/graphql',
    // Answers carry tokens and personal data: no cache, shared or private, may keep them. First,
    // so that refusals (413, 415, 400) carry it too.
    noStore(),
    ...(appOrigins.size > 0 ? [corsForAppOrigins(appOrigins)] : []),
    jsonBody(),
    expressMiddleware(apollo, {
      context: async ({ req, res }) =>
        createContext(app.authenticate, {
          authorization: req.headers.authorization,
          ip: req.ip,
          userAgent: req.get('user-agent'),
          requestId: requestIdOf(res),
          refreshTokens: refreshTokenTransport(req, res, appOriginOf(req, appOrigins) !== undefined, clock),
        }),
    }),
  );

  web.use(bodyErrors(logger));
  // Plain JSON POSTs to /graphql skip Express (see graphql-fast-path.ts); everything else is Express's.
  const trust = web.get('trust proxy fn') as Parameters<typeof proxyAddr>[1];
  const fastPath = createGraphqlFastPath({ apollo, authenticate: app.authenticate, logger, metrics: app.metrics, clientIp: (req) => proxyAddr(req, trust), appOrigins });
  http.on('request', (req, res) => {
    if (!fastPath(req, res)) web(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;

  // A METRICS_PORT that cannot be listened on stops start-up, and the main listener with it.
  const metricsListener = metrics
    ? await openMetricsPort(metrics, { placement, access: metricsAccess, host: options.host, logger }).catch(async (error: unknown) => {
        await apollo.stop();
        throw error;
      })
    : undefined;
  return {
    url: `http://${options.host ?? 'localhost'}:${port}/graphql`,
    port,
    metricsPort: metricsListener?.port,
    stop: async () => {
      await Promise.all([apollo.stop(), metricsListener?.stop()]);
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
