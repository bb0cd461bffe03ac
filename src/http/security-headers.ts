import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';

/**
 * `X-Content-Type-Options: nosniff` on every answer, so that no browser runs an answer (JSON that
 * may echo input) as HTML or script. A line of our own rather than helmet: of helmet's defaults
 * this is the one a JSON API needs, and the others (a Content-Security-Policy, cross-origin
 * isolation) would break the Sandbox page served outside production.
 */
export function noSniff(): RequestHandler {
  return (_req, res, next) => {
    setNoSniff(res);
    next();
  };
}

export function setNoSniff(res: ServerResponse): void {
  res.setHeader('x-content-type-options', 'nosniff');
}

/** `Cache-Control: no-store`: for answers that are per caller or of the moment, which no cache may keep or replay. */
export function noStore(): RequestHandler {
  return (_req, res, next) => {
    setNoStore(res);
    next();
  };
}

export function setNoStore(res: ServerResponse): void {
  res.setHeader('cache-control', 'no-store');
}
