import { and, desc, eq, gt, inArray, isNull, ne, type SQL } from 'drizzle-orm';
import type { Database } from './client';
import { createSessionOpener, type OpenedSession } from './open-session';
import { announce, sessionsEnded } from './revocation-channel';
import { refreshTokens, type SessionRow, sessions, users } from './schema';

export interface NewSession {
  readonly userId: string;
  readonly now: Date;
  readonly userAgent: string | undefined;
  readonly ip: string | undefined;
  /** The account's open sessions after this one opens, at most: MAX_SESSIONS. */
  readonly maxLive: number;
}

export interface NewRefreshToken {
  readonly tokenHash: string;
  readonly expiresAt: Date;
}

export type RotateResult =
  | { readonly kind: 'rotated'; readonly sessionId: string; readonly userId: string; readonly authTime: Date }
  /** A spent token came back: the session has been ended (`ended` is empty if it already was). */
  | { readonly kind: 'reused'; readonly sessionId: string; readonly userId: string; readonly ended: readonly RevokedSession[] }
  | { readonly kind: 'invalid' };

export interface RevokedSession {
  readonly id: string;
  readonly userId: string;
  readonly revokedAt: Date;
}

export type SessionRepository = ReturnType<typeof createSessionRepository>;

export function createSessionRepository(db: Database) {
  const liveAt = (now: Date) => and(isNull(sessions.revokedAt), gt(sessions.expiresAt, now));
  const revokedColumns = { id: sessions.id, userId: sessions.userId, revokedAt: sessions.revokedAt };
  const asRevoked = (rows: { id: string; userId: string; revokedAt: Date | null }[]): RevokedSession[] =>
    rows.map((r) => ({ id: r.id, userId: r.userId, revokedAt: r.revokedAt! }));

  const opener = createSessionOpener(db);

  const endAndAnnounce = (which: SQL, now: Date): Promise<RevokedSession[]> =>
    db.transaction(async (tx) => {
      const ended = asRevoked(await tx.update(sessions).set({ revokedAt: now }).where(which).returning(revokedColumns));
      await announce(tx as unknown as Database, sessionsEnded(ended));
      return ended;
    });

  return {
    /**
     * A new session and its first refresh token; the account's least recently used open sessions
     * beyond `maxLive` end, announced. One statement (see open-session.ts): as atomic as a
     * transaction, at one round trip on the path of every login.
     */
    create: (input: NewSession, token: NewRefreshToken): Promise<OpenedSession> => opener.open(input, token),

    /**
     * Spends `tokenHash` and stores `next` in the same session. The spend is one conditional
     * UPDATE … RETURNING: of concurrent callers with one token, exactly one gets the row.
     */
    async rotate(tokenHash: string, next: NewRefreshToken, now: Date): Promise<RotateResult> {
      return db.transaction(async (tx) => {
        const [spent] = await tx
          .update(refreshTokens)
          .set({ spentAt: now })
          .from(sessions)
          .innerJoin(users, eq(users.id, sessions.userId))
          .where(
            and(
              eq(refreshTokens.tokenHash, tokenHash),
              isNull(refreshTokens.spentAt),
              gt(refreshTokens.expiresAt, now),
              eq(sessions.id, refreshTokens.sessionId),
              liveAt(now),
              eq(users.disabled, false),
            ),
          )
          .returning({ sessionId: refreshTokens.sessionId, userId: users.id, authTime: sessions.authTime });
        if (spent) {
          await tx.insert(refreshTokens).values({ ...next, sessionId: spent.sessionId, createdAt: now });
          await tx
            .update(sessions)
            .set({ lastUsedAt: now, expiresAt: next.expiresAt })
            .where(eq(sessions.id, spent.sessionId));
          return { kind: 'rotated', ...spent };
        }
        const [known] = await tx
          .select({ spentAt: refreshTokens.spentAt, sessionId: refreshTokens.sessionId, userId: sessions.userId })
          .from(refreshTokens)
          .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
          .where(eq(refreshTokens.tokenHash, tokenHash));
        if (!known || known.spentAt === null) return { kind: 'invalid' };
        const ended = asRevoked(
          await tx
            .update(sessions)
            .set({ revokedAt: now })
            .where(and(eq(sessions.id, known.sessionId), isNull(sessions.revokedAt)))
            .returning(revokedColumns),
        );
        await announce(tx as unknown as Database, sessionsEnded(ended));
        return { kind: 'reused', sessionId: known.sessionId, userId: known.userId, ended };
      });
    },

    /** Replaces every unspent refresh token of a live session with `next` (after a password change); the session, or undefined if it has ended. */
    async reissue(sessionId: string, next: NewRefreshToken, now: Date): Promise<{ id: string; authTime: Date } | undefined> {
      return db.transaction(async (tx) => {
        const [live] = await tx
          .update(sessions)
          .set({ lastUsedAt: now, expiresAt: next.expiresAt })
          .where(and(eq(sessions.id, sessionId), liveAt(now)))
          .returning({ id: sessions.id, authTime: sessions.authTime });
        if (!live) return undefined;
        await tx
          .delete(refreshTokens)
          .where(and(eq(refreshTokens.sessionId, sessionId), isNull(refreshTokens.spentAt)));
        await tx.insert(refreshTokens).values({ ...next, sessionId, createdAt: now });
        return live;
      });
    },

    async findById(id: string): Promise<SessionRow | undefined> {
      const [session] = await db.select().from(sessions).where(eq(sessions.id, id));
      return session;
    },

    /** The session a refresh token belongs to, whatever its state. */
    async findByTokenHash(tokenHash: string): Promise<SessionRow | undefined> {
      const [row] = await db
        .select({ session: sessions })
        .from(refreshTokens)
        .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
        .where(eq(refreshTokens.tokenHash, tokenHash));
      return row?.session;
    },

    /** Live sessions of the given users, newest first: one query for a whole page of users. */
    async listLive(userIds: readonly string[], now: Date): Promise<SessionRow[]> {
      if (userIds.length === 0) return [];
      return db
        .select()
        .from(sessions)
        .where(and(inArray(sessions.userId, [...userIds]), liveAt(now)))
        .orderBy(desc(sessions.createdAt), desc(sessions.id));
    },

    /** Ends the given sessions that are still open, and announces it; returns those it ended. */
    async revoke(ids: readonly string[], now: Date): Promise<RevokedSession[]> {
      if (ids.length === 0) return [];
      return endAndAnnounce(and(inArray(sessions.id, [...ids]), isNull(sessions.revokedAt))!, now);
    },

    /** Ends every open session of a user but `keep`, and announces it. */
    async revokeAllOf(userId: string, now: Date, keep?: string): Promise<RevokedSession[]> {
      return endAndAnnounce(
        and(eq(sessions.userId, userId), isNull(sessions.revokedAt), keep === undefined ? undefined : ne(sessions.id, keep))!,
        now,
      );
    },

    /** Sessions ended after `since`: what an instance must know at start-up. */
    async revokedSince(since: Date): Promise<RevokedSession[]> {
      return asRevoked(await db.select(revokedColumns).from(sessions).where(gt(sessions.revokedAt, since)));
    },
  };
}
