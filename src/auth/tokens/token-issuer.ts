import type { Clock } from '../../clock';
import type { UserRow } from '../../db/schema';
import type { NewRefreshToken } from '../../db/session-repository';
import type { AccessTokens } from './access-token';
import type { Principal } from '../principal';
import { generateRefreshToken, hashRefreshToken } from './refresh-token';

/** What register, login, refresh and changePassword return: a token pair, and who it speaks for. */
export interface IssuedSession {
  readonly accessToken: string;
  readonly accessTokenExpiresAt: Date;
  readonly refreshToken: string;
  readonly refreshTokenExpiresAt: Date;
  readonly user: UserRow;
  readonly principal: Principal;
}

export interface PendingRefreshToken {
  readonly token: string;
  /** The form stored in the database. */
  readonly record: NewRefreshToken;
}

export interface TokenIssuer {
  /** A refresh token to store before the pair is handed out. */
  nextRefreshToken(): PendingRefreshToken;
  /** Signs the access token for a session whose refresh token has been stored; `authTime` is when the session last proved its password. */
  issue(user: UserRow, session: { id: string; authTime: Date }, refresh: PendingRefreshToken): IssuedSession;
}

export function createTokenIssuer(deps: { accessTokens: AccessTokens; clock: Clock; refreshTokenTtlSeconds: number }): TokenIssuer {
  return {
    nextRefreshToken() {
      const token = generateRefreshToken();
      const expiresAt = new Date(deps.clock.now() + deps.refreshTokenTtlSeconds * 1000);
      return { token, record: { tokenHash: hashRefreshToken(token), expiresAt } };
    },

    issue(user, session, refresh) {
      const sessionId = session.id;
      const access = deps.accessTokens.sign({ userId: user.id, role: user.role, sessionId, tokenVersion: user.tokenVersion, authTime: session.authTime });
      return {
        accessToken: access.token,
        accessTokenExpiresAt: access.expiresAt,
        refreshToken: refresh.token,
        refreshTokenExpiresAt: refresh.record.expiresAt,
        user,
        principal: { userId: user.id, role: user.role, sessionId, authTime: Math.floor(session.authTime.getTime() / 1000) },
      };
    },
  };
}
