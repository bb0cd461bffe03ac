import type { RequestHandler } from 'express';
import type { Metrics } from '../observability/metrics';

/** GET /metrics: the Prometheus text format. */
export function metricsEndpoint(metrics: Metrics): RequestHandler {
  return async (_req, res) => {
    const body = await metrics.registry.metrics();
    res.setHeader('content-type', metrics.registry.contentType);
    res.setHeader('cache-control', 'no-store');
    res.end(body);
  };
}

/** Times each request it sees, up to the last byte of the answer (refusals such as 413 included). */
export function timeRequests(metrics: Metrics): RequestHandler {
  return (_req, res, next) => {
    const finished = metrics.startRequest();
    res.once('finish', () => finished(res.statusCode));
    next();
  };
}
