import { randomUUID } from 'node:crypto';
import { and, desc, eq, gt, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import { builtOnce } from './built-once';
import type { Database } from './client';
import { notifySessionEnded } from './revocation-channel';
import { auditEvents, refreshTokens, type SessionRow, sessions, users } from './schema';
import type { NewRefreshToken, NewSession, OpenedSession, RevokedSession } from './session-repository';

export interface SessionOpener {
  /** Stores the session and its first refresh token, and ends (announcing them) the account's open sessions beyond `maxLive`. */
  open(input: NewSession, token: NewRefreshToken): Promise<OpenedSession>;
}

/**
 * Opens a session and its first refresh token, records the sign-in (LOGGED_IN), and ends the account's least recently used open
 * sessions beyond `maxLive`, announcing them: all in one statement (data-modifying CTEs), one
 * round trip on the path of every login.
 *
 * One statement reads one snapshot, so it cannot see a session another opening commits meanwhile.
 * Each opening therefore bumps `users.sessions_opened`: concurrent openings of an account queue on
 * that row, and one whose bump lands past what its snapshot read knows it missed a session, and
 * ends the excess again once committed (a second statement, only then). Both statements lock the
 * account's row before any of its sessions, so that they never wait on each other in a circle.
 */
export function createSessionOpener(db: Database): SessionOpener {
  const p = (name: string) => sql.placeholder(name);

  /** Ends the account's open sessions but the `keep` used last (by last use, then opening, then id), when `gate` holds. */
  const endBeyondCap = (gate?: SQL) =>
    db
      .update(sessions)
      .set({ revokedAt: sql`${p('nowText')}` })
      .where(
        and(
          inArray(
            sessions.id,
            db
              .select({ id: sessions.id })
              .from(sessions)
              .where(and(eq(sessions.userId, p('userId')), isNull(sessions.revokedAt), gt(sessions.expiresAt, p('nowText'))))
              .orderBy(desc(sessions.lastUsedAt), desc(sessions.createdAt), desc(sessions.id))
              .offset(p('keep')),
          ),
          isNull(sessions.revokedAt),
          gate,
        ),
      )
      .returning({ id: sessions.id, userId: sessions.userId, revokedAt: sessions.revokedAt });

  const openStatement = builtOnce(() => {
    const bump = db.$with('bump').as(
      db
        .update(users)
        .set({ sessionsOpened: sql`${users.sessionsOpened} + 1` })
        .where(eq(users.id, p('userId')))
        .returning({ opened: users.sessionsOpened }),
    );
    const seen = db.$with('seen').as(db.select({ opened: sql<number>`${users.sessionsOpened}`.as('seen_opened') }).from(users).where(eq(users.id, p('userId'))));
    const opened = db.$with('opened').as(
      db
        .insert(sessions)
        .values({ id: p('id'), userId: p('userId'), createdAt: p('now'), lastUsedAt: p('now'), authTime: p('now'), secondFactor: p('secondFactor'), expiresAt: p('expiresAt'), userAgent: p('userAgent'), ip: p('ip') })
        .returning({ id: sessions.id }),
    );
    const token = db.$with('token').as(
      db
        .insert(refreshTokens)
        .values({ sessionId: p('id'), tokenHash: p('tokenHash'), expiresAt: p('expiresAt'), createdAt: p('now') })
        .returning({ sessionId: refreshTokens.sessionId }),
    );
    // The sign-in's audit event rides the same statement: no round trip of its own, and it stands or falls with the session.
    const audited = db.$with('audited').as(
      db
        .insert(auditEvents)
        .values({ action: sql`'LOGGED_IN'`, at: p('now'), userId: p('userId'), actorId: p('userId'), ip: p('ip'), userAgent: p('userAgent') })
        .returning({ id: auditEvents.id }),
    );
    // Reading bump makes it run, and lock the account's row, before any session row is locked.
    const ended = db.$with('ended').as(endBeyondCap(sql`exists (select 1 from ${bump})`));
    return db
      .with(bump, seen, opened, token, audited, ended)
      .select({
        raced: sql<boolean>`${bump.opened} <> ${seen.opened} + 1`,
        id: ended.id,
        userId: ended.userId,
        revokedAt: ended.revokedAt,
        announced: sql`case when ${ended.id} is not null then ${notifySessionEnded(ended.id, ended.revokedAt)} end`,
      })
      .from(bump)
      .innerJoin(seen, sql`true`)
      .leftJoin(ended, sql`true`)
      .prepare('sessions_open');
  });

  const endAgainStatement = builtOnce(() => {
    // The account's row first here too: sessions rows are only ever locked after it.
    const locked = db.$with('locked').as(db.select({ id: users.id }).from(users).where(eq(users.id, p('userId'))).for('no key update'));
    const ended = db.$with('ended').as(endBeyondCap(sql`exists (select 1 from ${locked})`));
    return db
      .with(locked, ended)
      .select({ id: ended.id, userId: ended.userId, revokedAt: ended.revokedAt, announced: notifySessionEnded(ended.id, ended.revokedAt) })
      .from(ended)
      .prepare('sessions_end_beyond_cap');
  });

  const asEnded = (rows: { id: string | null; userId: string | null; revokedAt: Date | null }[]): RevokedSession[] =>
    rows.flatMap((r) => (r.id === null ? [] : [{ id: r.id, userId: r.userId!, revokedAt: r.revokedAt! }]));

  return {
    async open(input: NewSession, token: NewRefreshToken): Promise<OpenedSession> {
      const session: SessionRow = {
        id: randomUUID(),
        userId: input.userId,
        createdAt: input.now,
        lastUsedAt: input.now,
        expiresAt: token.expiresAt,
        revokedAt: null,
        authTime: input.now,
        secondFactor: input.secondFactor ?? 'NONE',
        userAgent: input.userAgent ?? null,
        ip: input.ip ?? null,
      };
      // A column maps a Date placeholder it is stored in; one it is only compared with gets no mapping.
      const at = { userId: session.userId, nowText: input.now.toISOString() };
      // The new session is not in the statement's snapshot: it keeps itself and `maxLive - 1` others.
      const rows = await openStatement().execute({ ...session, ...at, now: input.now, tokenHash: token.tokenHash, keep: input.maxLive - 1 });
      const ended = asEnded(rows);
      // The repair ranks every open session of the account, this one included: concurrent repairs agree on which stay.
      if (rows[0]?.raced) ended.push(...asEnded(await endAgainStatement().execute({ ...at, keep: input.maxLive })));
      return { session, ended };
    },
  };
}
