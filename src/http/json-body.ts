import type { ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { requestIdOf } from './request-id';

/** 100 kB in bytes, as the API promises (body-parser's '100kb' would be 102 400). */
export const BODY_LIMIT = 100_000;

/** What body-parser (or the check below) attaches to a refusal. */
interface BodyError {
  readonly status?: number;
  readonly type?: string;
  readonly charset?: string;
  readonly encoding?: string;
}

/**
 * JSON bodies up to BODY_LIMIT, in UTF-8 only. body-parser decodes every charset whose name starts
 * with `utf-` (UTF-16, UTF-32, even UTF-7, whose `+AHs-` spells `{`), so a body could say one thing
 * to a filter in front and another to the service. `verify` is handed the charset body-parser is
 * about to decode with, the one authority on it; other charsets it refuses itself.
 */
export function jsonBody(): RequestHandler {
  return express.json({
    limit: BODY_LIMIT,
    verify: (_req, _res, _body, charset) => {
      if (charset !== 'utf-8') throw Object.assign(new Error('unsupported charset'), { status: 415, type: 'charset.unsupported', charset });
    },
  });
}

// A charset or encoding is echoed in the answer only when it looks like a name.
const NAME = /^[a-z0-9._:+-]{1,40}$/i;
const shown = (value: string | undefined, asNamed: string, unnamed: string) => (value !== undefined && NAME.test(value) ? `${asNamed}${value}` : unnamed);

function refusalOf(error: BodyError): { status: number; code: string; message: string } {
  const status = typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
  if (status === 413) return { status, code: 'PAYLOAD_TOO_LARGE', message: `Request body over ${BODY_LIMIT} bytes` };
  if (status === 415 && error.type === 'charset.unsupported') {
    return { status, code: 'UNSUPPORTED_MEDIA_TYPE', message: `Request body must be UTF-8 JSON (${shown(error.charset, 'charset=', 'this charset')} is not supported)` };
  }
  if (status === 415) {
    return { status, code: 'UNSUPPORTED_MEDIA_TYPE', message: `Request body must be plain, gzip, deflate or br (${shown(error.encoding, 'Content-Encoding ', 'this Content-Encoding')} is not supported)` };
  }
  if (status === 400 && error.type === 'entity.parse.failed') return { status, code: 'BAD_REQUEST', message: 'Request body is not valid JSON' };
  if (status < 500) return { status, code: 'BAD_REQUEST', message: 'Request body could not be read' };
  return { status, code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' };
}

/**
 * A body refused before GraphQL (too large, not UTF-8, not JSON): answered as a GraphQL error that
 * says what is wrong, nothing executed, logged at info. Only a failure of the service's own is an error.
 */
export function bodyErrors(logger: Logger): ErrorRequestHandler {
  return (error: BodyError, _req, res, next) => {
    if (res.headersSent) return next(error);
    sendRefusal(logger, res, error, requestIdOf(res));
  };
}

/** The answer and log line of bodyErrors, on a bare response too (the GraphQL fast path's). */
export function sendRefusal(logger: Logger, res: ServerResponse, error: BodyError, requestId: string | undefined): void {
  const { status, code, message } = refusalOf(error);
  if (status === 500) logger.error({ type: error.type, requestId }, 'http error');
  else logger.info({ status, outcome: error.type ?? 'bad request', requestId }, 'http request refused');
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}
