import { sql } from 'drizzle-orm';
import type { Database, DatabaseHandle } from '../../../src/db/client';
import { openCounterStore } from '../../../src/auth/limits/counter-store';
import { databaseKinds, openTestDatabase, uniqueName } from '../../support/databases';
import { FakeClock } from '../../support/fake-clock';

/** The first row of a query on postgres.js, which answers with the rows themselves. */
async function firstRow(db: Database, query: ReturnType<typeof sql>): Promise<Record<string, unknown>> {
  const [row] = (await db.execute(query)) as unknown as Record<string, unknown>[];
  return row!;
}

describe.each(databaseKinds())('rate-limit counters without REDIS_URL, on %s', (kind) => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(() => database.close());

  it('count through the counters’ own connections, not the pool of users and sessions', async () => {
    const untouchable = new Proxy({} as Database, {
      get: () => {
        throw new Error('the counters used the main pool');
      },
    });
    const counters = await openCounterStore(undefined, { ...database, db: untouchable }, new FakeClock());
    const counter = counters.counter({ keyPrefix: uniqueName('c'), points: 2, duration: 60, blockDuration: 0 });
    await expect(counter.consume('k')).resolves.toMatchObject({ consumedPoints: 1 });
    await counters.close();
  });

  if (kind === 'postgres') {
    it('commit counts without waiting for the disk, and everything else with', async () => {
      expect(await firstRow(database.countersDb, sql`show synchronous_commit`)).toEqual({ synchronous_commit: 'off' });
      expect(await firstRow(database.db, sql`show synchronous_commit`)).toEqual({ synchronous_commit: 'on' });
    });

    it('send the statements of one moment down one connection, so that one backend runs them together', async () => {
      const pids = await Promise.all([1, 2, 3].map(() => firstRow(database.countersDb, sql`select pg_backend_pid() as pid`)));
      expect(new Set(pids.map((row) => row['pid'])).size).toBe(1);
    });
  } else {
    it('share PGlite’s one connection', () => {
      expect(database.countersDb).toBe(database.db);
    });
  }
});
