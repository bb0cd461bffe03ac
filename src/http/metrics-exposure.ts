import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ConfigError } from '../config/config';
import { noSniff } from './security-headers';

/** METRICS_TOKEN and METRICS_PORT, as the HTTP server needs them. */
export interface MetricsAccess {
  readonly token: string | undefined;
  readonly port: number | undefined;
}

/**
 * Where /metrics is served: on a port of its own when METRICS_PORT is set (and nowhere else), else
 * on the main port. In production the main port serves it only behind METRICS_TOKEN: login rates
 * and revocation counts are no one else's business, so with neither set it is not served at all.
 */
export function metricsPlacement(access: MetricsAccess, production: boolean): 'own-port' | 'main' | 'hidden' {
  if (access.port !== undefined) return 'own-port';
  if (access.token !== undefined || !production) return 'main';
  return 'hidden';
}

export interface MetricsListener {
  readonly port: number;
  stop(): Promise<void>;
}

/** A second listener for METRICS_PORT: /metrics there, and nothing else. */
export async function startMetricsListener(endpoint: RequestHandler, port: number, host: string | undefined): Promise<MetricsListener> {
  const web = express();
  web.disable('x-powered-by');
  web.set('etag', false);
  web.use(noSniff());
  web.get('/metrics', endpoint);
  const http = createServer(web);
  await new Promise<void>((resolve, reject) => {
    http.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? new ConfigError(`invalid configuration:\n  METRICS_PORT: cannot listen on port ${port} (${error.code === 'EADDRINUSE' ? 'in use by another process' : 'needs privileges'})`)
          : error,
      ),
    );
    http.listen(port, host, () => resolve());
  });
  return {
    port: (http.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        http.close((error) => (error ? reject(error) : resolve()));
        // A scraper keeps its connection open between scrapes: idle ones would hold close() up.
        http.closeIdleConnections();
      }),
  };
}

/** Says at start-up where /metrics can be read, or that it cannot. */
export function logMetricsPlacement(logger: Logger, placement: ReturnType<typeof metricsPlacement>, access: MetricsAccess, url: string | undefined): void {
  const guard = access.token === undefined ? '' : ', to bearers of METRICS_TOKEN';
  if (placement === 'own-port') logger.info({ metricsUrl: url }, `metrics served at ${url}${guard}`);
  else if (placement === 'main' && access.token !== undefined) logger.info(`metrics served at /metrics${guard}`);
  else if (placement === 'hidden') logger.warn('metrics are not exposed: in production /metrics needs METRICS_TOKEN or METRICS_PORT (or METRICS_ENABLED=false)');
}
