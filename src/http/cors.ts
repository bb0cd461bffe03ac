import type { Request, RequestHandler } from 'express';

const ALLOWED_METHODS = 'GET, POST, OPTIONS';
// What Apollo Client sends: JSON, the Bearer token, and the headers Apollo's CSRF prevention asks of a GET.
const ALLOWED_HEADERS = 'content-type, authorization, apollo-require-preflight, x-apollo-operation-name';
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** The request's `Origin` when it is one of the web apps' (APP_ORIGINS), else undefined. */
export function appOriginOf(req: Request, appOrigins: ReadonlySet<string>): string | undefined {
  const origin = req.get('origin');
  return origin !== undefined && appOrigins.has(origin) ? origin : undefined;
}

/**
 * CORS with credentials for exactly the listed origins, each named back as itself (never `*`,
 * which credentials forbid anyway); any other origin gets no CORS header, so its browser keeps
 * the answer from it. Preflights from a listed origin are answered here, with 204.
 */
export function corsForAppOrigins(appOrigins: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    // The answer depends on the Origin: a cache must not give one origin's answer to another.
    res.vary('origin');
    const origin = appOriginOf(req, appOrigins);
    if (origin === undefined) return next();
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-credentials', 'true');
    if (req.method !== 'OPTIONS') return next();
    res.setHeader('access-control-allow-methods', ALLOWED_METHODS);
    res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
    res.setHeader('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS));
    res.status(204).end();
  };
}
