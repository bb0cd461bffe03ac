import type { IssuedSession } from '../auth/tokens/token-issuer';
import { AuthError } from '../errors';

/** An issued pair as its payload resolves: `refreshToken` null when the token went into a cookie. */
export type DeliveredSession = Omit<IssuedSession, 'refreshToken'> & { readonly refreshToken: string | null };

/**
 * How one request's refresh tokens travel: in the response body, or (a request from a configured
 * web-app origin) as an httpOnly cookie that no script can read. The HTTP layer builds one per
 * request; resolvers hand it the tokens and never learn which it is.
 */
export interface RefreshTokenTransport {
  /** The token `refresh` spends: the argument when given, else the cookie; refused when there is neither. */
  tokenToRefresh(argument: string | null | undefined): string;
  /** The token `logout` ends, when there is one (the argument, else the cookie). */
  tokenToEnd(argument: string | null | undefined): string | undefined;
  /** A pair was issued to this request: what its payload resolves to. */
  issued(session: IssuedSession): DeliveredSession;
  /** The request's session ended: the client forgets its refresh token. */
  ended(): void;
}

/** The transport of every request outside a web app's origin, and of executeOperation. */
export const BODY_TRANSPORT: RefreshTokenTransport = {
  tokenToRefresh(argument) {
    // Without an argument nothing is spent: the same refusal as an unknown token.
    if (argument === null || argument === undefined) throw new AuthError('REFRESH_TOKEN_INVALID');
    return argument;
  },
  tokenToEnd: (argument) => argument ?? undefined,
  issued: (session) => session,
  ended: () => {},
};
