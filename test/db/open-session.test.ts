import { eq } from 'drizzle-orm';
import type { DatabaseHandle } from '../../src/db/client';
import { type ChannelEvent, decodeRevocation, REVOCATION_CHANNEL } from '../../src/db/revocation-channel';
import { sessions } from '../../src/db/schema';
import { createSessionRepository } from '../../src/db/sessions';
import { databaseKinds, insertUser, openTestDatabase, uniqueName } from '../support/databases';
import { waitFor } from '../support/wait-for';

const DAY = 86_400_000;

/** Opening a session at the cap: the least recently used open one ends, in the same statement. */
describe.each(databaseKinds())('opening a session at the cap on %s', (kind) => {
  let database: DatabaseHandle;
  const queries: string[] = [];
  const heard: ChannelEvent[] = [];
  let stopListening: () => Promise<void>;
  beforeAll(async () => {
    database = await openTestDatabase(kind, (sql) => queries.push(sql));
    const listening = await database.listen(REVOCATION_CHANNEL, {
      onMessage: (payload) => {
        const event = decodeRevocation(payload);
        if (event) heard.push(event);
      },
      onUp: () => {},
      onDown: () => {},
    });
    stopListening = () => listening.close();
  });
  afterAll(async () => {
    await stopListening();
    await database.close();
  });

  const start = Date.UTC(2026, 10, 23, 12);
  const open = (userId: string, at: number, expiresInMs = 30 * DAY) =>
    createSessionRepository(database.db).create(
      { userId, now: new Date(at), userAgent: undefined, ip: undefined, maxLive: 2 },
      { tokenHash: uniqueName('hash'), expiresAt: new Date(at + expiresInMs) },
    );

  it('ends the least recently used open session in the one statement that opens the new one, and announces it', async () => {
    const userId = await insertUser(database.db, 'open');
    const first = await open(userId, start);
    const second = await open(userId, start + 1000);
    // Used since: the first is now the more recently used of the two.
    await database.db.update(sessions).set({ lastUsedAt: new Date(start + 2000) }).where(eq(sessions.id, first.session.id));

    queries.length = 0;
    const third = await open(userId, start + 3000);
    expect(queries).toHaveLength(1);
    expect(third.ended).toEqual([{ id: second.session.id, userId, revokedAt: new Date(start + 3000) }]);
    const [stored] = await database.db.select().from(sessions).where(eq(sessions.id, second.session.id));
    expect(stored?.revokedAt).toEqual(new Date(start + 3000));
    await waitFor(() => heard.some((e) => e.kind === 'session' && e.sessionId === second.session.id && e.at === start + 3000), 'the ended session announced');
  });

  it('counts only open sessions: an expired or ended one makes no room and is not ended again', async () => {
    const userId = await insertUser(database.db, 'open');
    await open(userId, start, 500);
    const ended = await open(userId, start + 1000);
    await createSessionRepository(database.db).revoke([ended.session.id], new Date(start + 1500));
    const kept = await open(userId, start + 2000);
    expect((await open(userId, start + 3000)).ended).toEqual([]);
    expect((await open(userId, start + 4000)).ended.map((s) => s.id)).toEqual([kept.session.id]);
  });
});
