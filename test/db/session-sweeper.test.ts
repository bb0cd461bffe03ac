import { eq, inArray } from 'drizzle-orm';
import type { DatabaseHandle } from '../../src/db/client';
import { refreshTokens, sessions } from '../../src/db/schema';
import { createSessionSweeper, sweepExpiredSessions } from '../../src/db/session-sweeper';
import { createSessionRepository } from '../../src/db/sessions';
import { databaseKinds, insertUser, openTestDatabase, uniqueName } from '../support/databases';
import { FakeClock } from '../support/fake-clock';
import { waitFor } from '../support/wait-for';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Expired sessions and refresh tokens are deleted now and then; nothing a client could still present. */
describe.each(databaseKinds())('session sweeping on %s', (kind) => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(() => database.close());

  const newUserId = () => insertUser(database.db, 'sweep');

  /** A session whose first refresh token (and so the session) expires at `expiresAt`; returns its id and token hash. */
  async function sessionExpiringAt(userId: string, expiresAt: Date): Promise<{ id: string; tokenHash: string }> {
    const tokenHash = uniqueName('hash');
    const { session } = await createSessionRepository(database.db).create({ userId, now: new Date(expiresAt.getTime() - 30 * DAY), userAgent: undefined, ip: undefined, maxLive: 50 }, { tokenHash, expiresAt });
    return { id: session.id, tokenHash };
  }

  async function sessionsLeft(ids: readonly string[]): Promise<string[]> {
    const rows = await database.db.select({ id: sessions.id }).from(sessions).where(inArray(sessions.id, [...ids]));
    return rows.map((row) => row.id).sort();
  }

  async function tokensLeft(hashes: readonly string[]): Promise<string[]> {
    const rows = await database.db.select({ hash: refreshTokens.tokenHash }).from(refreshTokens).where(inArray(refreshTokens.tokenHash, [...hashes]));
    return rows.map((row) => row.hash).sort();
  }

  it('deletes sessions expired before the cut-off with their tokens, at most `limit` a time, and nothing else', async () => {
    const userId = await newUserId();
    const cutoff = new Date(Date.UTC(2026, 0, 1));
    const stale = [
      await sessionExpiringAt(userId, new Date(cutoff.getTime() - 3 * DAY)),
      await sessionExpiringAt(userId, new Date(cutoff.getTime() - 2 * DAY)),
      await sessionExpiringAt(userId, new Date(cutoff.getTime() - 1)),
    ];
    const kept = [await sessionExpiringAt(userId, cutoff), await sessionExpiringAt(userId, new Date(cutoff.getTime() + DAY))];
    const all = [...stale, ...kept];

    expect(await sweepExpiredSessions(database.db, cutoff, 2)).toBe(2);
    expect(await sessionsLeft(all.map((s) => s.id))).toHaveLength(3);
    await sweepExpiredSessions(database.db, cutoff, 100);
    expect(await sessionsLeft(all.map((s) => s.id))).toEqual(kept.map((s) => s.id).sort());
    expect(await tokensLeft(all.map((s) => s.tokenHash))).toEqual(kept.map((s) => s.tokenHash).sort());
  });

  it('deletes sessions ended before the cut-off, however long they had to live, and keeps those ended since', async () => {
    const userId = await newUserId();
    const cutoff = new Date(Date.UTC(2026, 0, 1));
    const [endedLongAgo, endedSince] = [
      await sessionExpiringAt(userId, new Date(cutoff.getTime() + 20 * DAY)),
      await sessionExpiringAt(userId, new Date(cutoff.getTime() + 20 * DAY)),
    ];
    await database.db.update(sessions).set({ revokedAt: new Date(cutoff.getTime() - HOUR) }).where(eq(sessions.id, endedLongAgo.id));
    await database.db.update(sessions).set({ revokedAt: new Date(cutoff.getTime() + HOUR) }).where(eq(sessions.id, endedSince.id));

    await sweepExpiredSessions(database.db, cutoff, 100);
    expect(await sessionsLeft([endedLongAgo.id, endedSince.id])).toEqual([endedSince.id]);
    expect(await tokensLeft([endedLongAgo.tokenHash, endedSince.tokenHash])).toEqual([endedSince.tokenHash]);
  });

  it('deletes a live session’s expired spent tokens and keeps the rest of it', async () => {
    const userId = await newUserId();
    const cutoff = new Date(Date.UTC(2026, 0, 1));
    const live = await sessionExpiringAt(userId, new Date(cutoff.getTime() + 10 * DAY));
    const repository = createSessionRepository(database.db);
    // Rotated once long ago: the first token is spent and has expired; the current one has not.
    const current = { tokenHash: uniqueName('current'), expiresAt: new Date(cutoff.getTime() + 10 * DAY) };
    expect((await repository.rotate(live.tokenHash, current, new Date(cutoff.getTime() - 40 * DAY))).kind).toBe('rotated');
    await database.db.update(refreshTokens).set({ expiresAt: new Date(cutoff.getTime() - DAY) }).where(eq(refreshTokens.tokenHash, live.tokenHash));

    await sweepExpiredSessions(database.db, cutoff, 100);
    expect(await sessionsLeft([live.id])).toEqual([live.id]);
    expect(await tokensLeft([live.tokenHash, current.tokenHash])).toEqual([current.tokenHash]);
  });

  it('sweeps, when told, what expired over the access-token retention and a day ago by its clock, and no sooner', async () => {
    const userId = await newUserId();
    const clock = new FakeClock();
    const retentionMs = 15 * 60_000 + 60_000;
    const sweeper = createSessionSweeper(database.db, clock, retentionMs);
    const expired = await sessionExpiringAt(userId, new Date(clock.now() - retentionMs - DAY - 1));
    const recent = await sessionExpiringAt(userId, new Date(clock.now() - retentionMs - DAY + HOUR));

    sweeper.tidy();
    await waitFor(async () => (await sessionsLeft([expired.id])).length === 0, 'the expired session to be swept');
    expect(await sessionsLeft([recent.id])).toEqual([recent.id]);
  });
});
