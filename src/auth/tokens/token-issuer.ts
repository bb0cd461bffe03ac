import type { Clock } from '../../clock';
import type { SecondFactor, UserRow } from '../../db/schema';
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
  /** The session owes its second factor: the pair admits only verifyTotp, useRecoveryCode, refresh and logout. */
  readonly mfaRequired: boolean;
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
  issue(user: UserRow, session: IssuedSessionState, refresh: PendingRefreshToken): IssuedSession;
}

/** What the tokens of a session say about it. */
export interface IssuedSessionState {
  readonly id: string;
  /** When the session last proved its password or second factor. */
  readonly authTime: Date;
  readonly secondFactor: SecondFactor;
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
      const { authTime, secondFactor } = session;
      const access = deps.accessTokens.sign({ userId: user.id, role: user.role, sessionId, tokenVersion: user.tokenVersion, authTime, secondFactor });
      return {
        accessToken: access.token,
        accessTokenExpiresAt: access.expiresAt,
        refreshToken: refresh.token,
        refreshTokenExpiresAt: refresh.record.expiresAt,
        user,
        principal: { userId: user.id, role: user.role, sessionId, authTime: Math.floor(authTime.getTime() / 1000) },
        mfaRequired: secondFactor === 'PENDING',
      };
    },
  };
}
