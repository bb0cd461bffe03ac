import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';

// A UUID, a W3C trace id, a ULID with a prefix...: short, and nothing that could garble a log line or a header.
const SANE = /^[A-Za-z0-9._:/+=-]{1,128}$/;

/**
 * Every request gets an id: the client's X-Request-Id when it is sane (so one id follows a call
 * across services), else a new UUID. It is echoed in the X-Request-Id response header and
 * goes into the request's log line.
 */
export function assignRequestId(): RequestHandler {
  return (req, res, next) => {
    const id = newRequestId(req.get('x-request-id'));
    res.locals['requestId'] = id;
    res.setHeader('x-request-id', id);
    next();
  };
}

/** The client's X-Request-Id when it is sane, else a new UUID. */
export function newRequestId(given: string | undefined): string {
  return given !== undefined && SANE.test(given) ? given : randomUUID();
}

/** The id assignRequestId gave this response's request. */
export function requestIdOf(res: Response): string | undefined {
  const id: unknown = res.locals['requestId'];
  return typeof id === 'string' ? id : undefined;
}
