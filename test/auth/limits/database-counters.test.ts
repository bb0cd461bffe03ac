import type { DatabaseHandle } from '../../../src/db/client';
import { createDatabaseCounters, sweepExpiredRateLimits } from '../../../src/auth/limits/database-counters';
import { rateLimits } from '../../../src/db/schema';
import { databaseKinds, openTestDatabase, uniqueName } from '../../support/databases';
import { FakeClock } from '../../support/fake-clock';
import { waitFor } from '../../support/wait-for';

const HOUR = 3_600_000;

/** The `rate_limits` table: counted atomically by rate-limiter-flexible, swept by us. */
describe.each(databaseKinds())('rate-limit counters in the database on %s', (kind) => {
  let database: DatabaseHandle;
  const queries: string[] = [];
  beforeAll(async () => {
    database = await openTestDatabase(kind, (sql) => queries.push(sql));
  });
  const sweeps = () => queries.filter((sql) => /^delete from "rate_limits"/i.test(sql)).length;
  afterAll(() => database.close());

  async function keysLeft(keys: readonly string[]): Promise<string[]> {
    const rows = await database.db.select({ key: rateLimits.key }).from(rateLimits);
    return rows.map((row) => row.key).filter((key) => keys.includes(key)).sort();
  }

  /** A counter that expired `ageMs` before `now` (null: never expires). */
  async function insert(ageMs: number | null, now: number): Promise<string> {
    const key = uniqueName('rl');
    await database.db.insert(rateLimits).values({ key, points: 1, expire: ageMs === null ? null : new Date(now - ageMs) });
    return key;
  }

  it('counts 50 parallel consumes of one key exactly once each: 5 pass, 45 are refused', async () => {
    const counter = createDatabaseCounters(database.db, new FakeClock()).counter({ keyPrefix: uniqueName('p'), points: 5, duration: 60, blockDuration: 60 });
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => counter.consume('k')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(45);
  });

  it('sweeps rows expired over an hour before the given time, at most `limit` of them, and nothing else', async () => {
    // A week ahead of the database's own clock: the sweep goes by the instance's time, not by now().
    const now = Date.now() + 7 * 24 * HOUR;
    // Rows other tests left, stale by then, go first: the counts below are this test's rows only.
    await sweepExpiredRateLimits(database.db, 1_000_000, now);
    const stale = [await insert(3 * HOUR, now), await insert(2 * HOUR, now), await insert(1.5 * HOUR, now)];
    const kept = [await insert(0.5 * HOUR, now), await insert(-HOUR, now), await insert(null, now)];
    const all = [...stale, ...kept];
    expect(await sweepExpiredRateLimits(database.db, 2, now)).toBe(2);
    expect(await keysLeft(all)).toHaveLength(4);
    await sweepExpiredRateLimits(database.db, 100, now);
    expect(await keysLeft(all)).toEqual([...kept].sort());
  });

  it('tidies when told of an attempt, at most once a minute by its clock, one sweep at a time', async () => {
    const clock = new FakeClock();
    const counters = createDatabaseCounters(database.db, clock);
    const before = sweeps();
    const stale = await insert(2 * HOUR, clock.now());
    counters.tidy();
    counters.tidy();
    await waitFor(async () => (await keysLeft([stale])).length === 0, 'the first sweep');

    clock.advance(59_000);
    counters.tidy();
    // Any sweep started above was dispatched before this query, so it is logged by the time this one answers.
    await keysLeft([]);
    expect(sweeps() - before).toBe(1);

    clock.advance(1_000);
    counters.tidy();
    await keysLeft([]);
    expect(sweeps() - before).toBe(2);
  });
});
