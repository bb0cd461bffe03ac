import { and, desc, eq, gt, inArray, isNull, ne, type SQL } from 'drizzle-orm';
import { createAuditRepository } from './audit-events';
import type { Database } from './client';
import { createSessionOpener } from './open-session';
import { announce, sessionsEnded } from './revocation-channel';
import { refreshTokens, type SessionRow, sessions, users } from './schema';
import type { NewRefreshToken, NewSession, OpenedSession, ReissuedSession, ReuseClient, RevokedSession, RotateResult, SessionRepository } from './session-repository';

export function createSessionRepository(db: Database): SessionRepository {
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
    // One statement (see open-session.ts), which is what makes it atomic at one round trip.
    create: (input: NewSession, token: NewRefreshToken): Promise<OpenedSession> => opener.open(input, token),

    // The spend is one conditional UPDATE … RETURNING: of concurrent callers, exactly one gets the row.
    async rotate(tokenHash: string, next: NewRefreshToken, now: Date, client?: ReuseClient): Promise<RotateResult> {
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
          .returning({ sessionId: refreshTokens.sessionId, userId: users.id, authTime: sessions.authTime, secondFactor: sessions.secondFactor });
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
        // Who presented it is unknown: the account, or whoever stole its token.
        await createAuditRepository(tx as unknown as Database).record([
          { action: 'REFRESH_TOKEN_REUSED', at: now, userId: known.userId, actorId: null, ip: client?.ip, userAgent: client?.userAgent },
        ]);
        return { kind: 'reused', sessionId: known.sessionId, userId: known.userId, ended };
      });
    },

    async reissue(sessionId: string, next: NewRefreshToken, now: Date): Promise<ReissuedSession | undefined> {
      return db.transaction(async (tx) => {
        const [live] = await tx
          .update(sessions)
          .set({ lastUsedAt: now, expiresAt: next.expiresAt })
          .where(and(eq(sessions.id, sessionId), liveAt(now)))
          .returning({ id: sessions.id, authTime: sessions.authTime, secondFactor: sessions.secondFactor });
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

    async findByTokenHash(tokenHash: string): Promise<SessionRow | undefined> {
      const [row] = await db
        .select({ session: sessions })
        .from(refreshTokens)
        .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
        .where(eq(refreshTokens.tokenHash, tokenHash));
      return row?.session;
    },

    async listLive(userIds: readonly string[], now: Date): Promise<SessionRow[]> {
      if (userIds.length === 0) return [];
      return db
        .select()
        .from(sessions)
        .where(and(inArray(sessions.userId, [...userIds]), liveAt(now)))
        .orderBy(desc(sessions.createdAt), desc(sessions.id));
    },

    async revoke(ids: readonly string[], now: Date): Promise<RevokedSession[]> {
      if (ids.length === 0) return [];
      return endAndAnnounce(and(inArray(sessions.id, [...ids]), isNull(sessions.revokedAt))!, now);
    },

    async revokeAllOf(userId: string, now: Date, keep?: string): Promise<RevokedSession[]> {
      return endAndAnnounce(
        and(eq(sessions.userId, userId), isNull(sessions.revokedAt), keep === undefined ? undefined : ne(sessions.id, keep))!,
        now,
      );
    },

    async revokedSince(since: Date): Promise<RevokedSession[]> {
      return asRevoked(await db.select(revokedColumns).from(sessions).where(gt(sessions.revokedAt, since)));
    },
  };
}
