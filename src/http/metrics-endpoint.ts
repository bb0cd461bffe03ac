import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Metrics } from '../observability/metrics';
import { bearerMatcher } from './bearer-token';

/**
 * GET /metrics: the Prometheus text format. With a token, only to `Authorization: Bearer <token>`;
 * anyone else gets 401, and no hint of what the metrics hold.
 */
export function metricsEndpoint(metrics: Metrics, token: string | undefined): RequestHandler {
  const allowed = token === undefined ? () => true : bearerMatcher(token);
  return async (req, res) => {
    res.setHeader('cache-control', 'no-store');
    if (!allowed(req.get('authorization'))) {
      res.status(401).setHeader('www-authenticate', 'Bearer realm="metrics"');
      res.type('text/plain').end('/metrics needs Authorization: Bearer <METRICS_TOKEN>\n');
      return;
    }
    const body = await metrics.registry.metrics();
    res.setHeader('content-type', metrics.registry.contentType);
    res.end(body);
  };
}

/** Times each request it sees, up to the last byte of the answer (refusals such as 413 included). */
export function timeRequests(metrics: Metrics): RequestHandler {
  return (_req, res, next) => {
    timeRequest(metrics, res);
    next();
  };
}

/** Starts the request's timer; it stops, with the status, when the answer has been sent. */
export function timeRequest(metrics: Metrics, res: ServerResponse): void {
  const finished = metrics.startRequest();
  res.once('finish', () => finished(res.statusCode));
}
