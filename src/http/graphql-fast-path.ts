import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, HeaderMap } from '@apollo/server';
import type { Logger } from 'pino';
import type { Authenticate } from '../auth/authenticate';
import { createContext, type GraphQLContext } from '../graphql/context';
import { BODY_TRANSPORT } from '../graphql/refresh-token-transport';
import type { Metrics } from '../observability/metrics';
import { BODY_LIMIT, sendRefusal } from './json-body';
import { timeRequest } from './metrics-endpoint';
import { newRequestId } from './request-id';
import { setNoSniff, setNoStore } from './security-headers';

/** Answers a request it takes and returns true; returns false, untouched, for Express to answer. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

// What a client's JSON POST says as its type: the only form taken here; any other goes through Express.
const PLAIN_JSON = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);

/**
 * POST /graphql with a plain JSON body, answered without Express: the same headers, request id,
 * metrics, body rules and log lines as the Express route (which takes every other request,
 * every unusual body included), without its router, body-parser and response helpers on the
 * hottest path. `clientIp` is Express's own reading of the address (its `trust proxy`).
 */
export function createGraphqlFastPath(deps: {
  apollo: ApolloServer<GraphQLContext>;
  authenticate: Authenticate;
  logger: Logger;
  metrics: Metrics | undefined;
  clientIp: (req: IncomingMessage) => string | undefined;
  /** APP_ORIGINS: their requests need CORS and the refresh cookie, which Express's route gives them. */
  appOrigins: ReadonlySet<string>;
}): FastPath {
  const { apollo, authenticate, logger, metrics, clientIp, appOrigins } = deps;

  async function answer(req: IncomingMessage, res: ServerResponse, length: number, requestId: string): Promise<void> {
    const raw = await readBody(req, length);
    if (raw === undefined) return;
    let body: unknown;
    try {
      const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      // body-parser's strict mode: an object or an array, nothing else.
      const first = text.trimStart()[0];
      if (first !== '{' && first !== '[') throw new SyntaxError('not an object or array');
      body = JSON.parse(text);
    } catch {
      sendRefusal(logger, res, { status: 400, type: 'entity.parse.failed' }, requestId);
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: '', body },
      context: () =>
        createContext(authenticate, { authorization: req.headers.authorization, ip: clientIp(req), userAgent: req.headers['user-agent'], requestId, refreshTokens: BODY_TRANSPORT }),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.setHeader('content-length', Buffer.byteLength(response.body.string));
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  return (req, res) => {
    if (req.method !== 'POST' || req.url !== '/graphql') return false;
    const origin = req.headers.origin;
    if (origin !== undefined && appOrigins.has(origin)) return false;
    const type = req.headers['content-type']?.toLowerCase();
    const length = Number(req.headers['content-length']);
    const plain = type !== undefined && PLAIN_JSON.has(type) && req.headers['content-encoding'] === undefined && req.headers['transfer-encoding'] === undefined;
    if (!plain || !Number.isInteger(length) || length < 1 || length > BODY_LIMIT) return false;

    setNoSniff(res);
    const given = req.headers['x-request-id'];
    const requestId = newRequestId(Array.isArray(given) ? given.join(', ') : given);
    res.setHeader('x-request-id', requestId);
    if (metrics) timeRequest(metrics, res);
    setNoStore(res);
    answer(req, res, length, requestId).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else sendRefusal(logger, res, { type: (error as { type?: string }).type }, requestId);
    });
    return true;
  };
}

/** The body, as UTF-8, once all of its `length` bytes are in; undefined if the client went away first. */
function readBody(req: IncomingMessage, length: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length)).toString('utf8')));
    req.once('error', () => resolve(undefined));
    req.once('aborted', () => resolve(undefined));
  });
}
