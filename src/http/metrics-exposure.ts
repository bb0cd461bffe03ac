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

export type MetricsPlacement = 'own-port' | 'main' | 'hidden';

/**
 * Where /metrics is served: on a port of its own when METRICS_PORT is set (and nowhere else), else
 * on the main port. In production the main port serves it only behind METRICS_TOKEN: login rates
 * and revocation counts are no one else's business, so with neither set it is not served at all.
 */
export function metricsPlacement(access: MetricsAccess, production: boolean): MetricsPlacement {
  if (access.port !== undefined) return 'own-port';
  if (access.token !== undefined || !production) return 'main';
  return 'hidden';
}

export interface MetricsListener {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Listens on METRICS_PORT when that is where /metrics goes (serving it there alone), and says at
 * start-up where /metrics can be read, or that it cannot.
 */
export async function openMetricsPort(
  endpoint: RequestHandler,
  options: { placement: MetricsPlacement; access: MetricsAccess; host: string | undefined; logger: Logger },
): Promise<MetricsListener | undefined> {
  const { placement, access, logger } = options;
  const guard = access.token === undefined ? '' : ', to bearers of METRICS_TOKEN';
  if (placement === 'hidden') logger.warn('metrics are not exposed: in production /metrics needs METRICS_TOKEN or METRICS_PORT (or METRICS_ENABLED=false)');
  if (placement === 'main' && access.token !== undefined) logger.info(`metrics served at /metrics${guard}`);
  if (placement !== 'own-port') return undefined;
  const listener = await listen(endpoint, access.port ?? 0, options.host);
  const metricsUrl = `http://${options.host ?? 'localhost'}:${listener.port}/metrics`;
  logger.info({ metricsUrl }, `metrics served at ${metricsUrl}${guard}`);
  return listener;
}

async function listen(endpoint: RequestHandler, port: number, host: string | undefined): Promise<MetricsListener> {
  const web = express();
  web.disable('x-powered-by');
  web.set('etag', false);
  web.use(noSniff());
  web.get('/metrics', endpoint);
  const http = createServer(web);
  await new Promise<void>((resolve, reject) => {
    http.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'in use by another process' : error.code === 'EACCES' ? 'needs privileges this process does not have' : undefined;
      reject(why ? new ConfigError(`invalid configuration:\n  METRICS_PORT: port ${port} ${why}`) : error);
    });
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
