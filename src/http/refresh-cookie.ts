import type { Request, Response } from 'express';
import type { Clock } from '../clock';
import { AuthError } from '../errors';
import { BODY_TRANSPORT, type RefreshTokenTransport } from '../graphql/refresh-token-transport';

/**
 * `__Host-` makes the browser refuse the cookie unless it is Secure, for Path=/ and without a
 * Domain: no other host, subdomains included, can set or shadow it.
 */
export const REFRESH_COOKIE = '__Host-gatehouse_refresh';

const ATTRIBUTES = 'HttpOnly; Secure; SameSite=Strict; Path=/';

/** The cookie's value in a `Cookie` header, if it is there. */
export function refreshCookieOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === REFRESH_COOKIE) return pair.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/**
 * The transport of one request. From a web app's origin the refresh token lives in an httpOnly
 * cookie, out of reach of the app's scripts; from anywhere else it travels in the body, and a
 * cookie sent along is ignored, so a page of another origin cannot spend it.
 */
export function refreshTokenTransport(req: Request, res: Response, fromAppOrigin: boolean, clock: Clock): RefreshTokenTransport {
  if (!fromAppOrigin) return BODY_TRANSPORT;
  const cookie = refreshCookieOf(req.get('cookie'));
  return {
    tokenToRefresh(argument) {
      const token = argument ?? cookie;
      if (token === undefined) throw new AuthError('REFRESH_TOKEN_INVALID');
      return token;
    },
    tokenToEnd: (argument) => argument ?? cookie,
    issued(session) {
      const maxAge = Math.max(0, Math.floor((session.refreshTokenExpiresAt.getTime() - clock.now()) / 1000));
      res.append('set-cookie', `${REFRESH_COOKIE}=${session.refreshToken}; ${ATTRIBUTES}; Max-Age=${maxAge}`);
      return { ...session, refreshToken: null };
    },
    ended() {
      res.append('set-cookie', `${REFRESH_COOKIE}=; ${ATTRIBUTES}; Max-Age=0`);
    },
  };
}
