import type { SecondFactor, SessionRow } from './schema';

export interface NewSession {
  readonly userId: string;
  readonly now: Date;
  readonly userAgent: string | undefined;
  readonly ip: string | undefined;
  /** The account's open sessions after this one opens, at most: MAX_SESSIONS. */
  readonly maxLive: number;
  /** PENDING for an account with a second factor: the session admits little until a code is given. NONE unless given. */
  readonly secondFactor?: SecondFactor;
}

export interface NewRefreshToken {
  readonly tokenHash: string;
  readonly expiresAt: Date;
}

export interface OpenedSession {
  readonly session: SessionRow;
  /** The account's sessions this one pushed over the cap, now ended and announced. */
  readonly ended: RevokedSession[];
}

export type RotateResult =
  | { readonly kind: 'rotated'; readonly sessionId: string; readonly userId: string; readonly authTime: Date; readonly secondFactor: SecondFactor }
  /** A spent token came back: the session has been ended (`ended` is empty if it already was). */
  | { readonly kind: 'reused'; readonly sessionId: string; readonly userId: string; readonly ended: readonly RevokedSession[] }
  | { readonly kind: 'invalid' };

/** A session still open after its refresh tokens were replaced; `authTime` is when it last proved its password. */
export interface ReissuedSession {
  readonly id: string;
  readonly authTime: Date;
  readonly secondFactor: SecondFactor;
}

/** Where a refresh token came from, for the audit log. */
export interface ReuseClient {
  readonly ip: string | undefined;
  readonly userAgent: string | undefined;
}

export interface RevokedSession {
  readonly id: string;
  readonly userId: string;
  readonly revokedAt: Date;
}

/** Sessions and their refresh tokens. Every session it ends is announced to every instance. */
export interface SessionRepository {
  /**
   * A new session and its first refresh token; the account's least recently used open sessions
   * beyond `maxLive` end, announced. As atomic as a transaction, at one round trip on the path of
   * every login.
   */
  create(input: NewSession, token: NewRefreshToken): Promise<OpenedSession>;

  /**
   * Spends `tokenHash` and stores `next` in the same session: of concurrent callers with one
   * token, exactly one gets it rotated. A spent token presented again ends its session, and is
   * recorded (REFRESH_TOKEN_REUSED, from `client`) in the same transaction.
   */
  rotate(tokenHash: string, next: NewRefreshToken, now: Date, client?: ReuseClient): Promise<RotateResult>;

  /** Replaces every unspent refresh token of a live session with `next` (after a password change); the session, or undefined if it has ended. */
  reissue(sessionId: string, next: NewRefreshToken, now: Date): Promise<ReissuedSession | undefined>;

  findById(id: string): Promise<SessionRow | undefined>;

  /** The session a refresh token belongs to, whatever its state. */
  findByTokenHash(tokenHash: string): Promise<SessionRow | undefined>;

  /** Live sessions of the given users, newest first: one query for a whole page of users. */
  listLive(userIds: readonly string[], now: Date): Promise<SessionRow[]>;

  /** Ends the given sessions that are still open, and announces it; returns those it ended. */
  revoke(ids: readonly string[], now: Date): Promise<RevokedSession[]>;

  /** Ends every open session of a user but `keep`, and announces it. */
  revokeAllOf(userId: string, now: Date, keep?: string): Promise<RevokedSession[]>;

  /** Sessions ended after `since`: what an instance must know at start-up. */
  revokedSince(since: Date): Promise<RevokedSession[]>;
}
