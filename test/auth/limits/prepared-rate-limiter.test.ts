import { type RateLimiterAbstract, RateLimiterDrizzle, RateLimiterRes } from 'rate-limiter-flexible';
import type { DatabaseHandle } from '../../../src/db/client';
import { PreparedRateLimiterDrizzle, prepareCounterStatements } from '../../../src/auth/limits/prepared-rate-limiter';
import { systemClock } from '../../../src/clock';
import { rateLimits } from '../../../src/db/schema';
import { databaseKinds, openTestDatabase, uniqueName } from '../../support/databases';
import { FakeClock } from '../../support/fake-clock';

type Step = (limiter: RateLimiterAbstract, key: string) => Promise<unknown>;

/** What a call came to, with times in whole seconds: the two limiters run a moment apart. */
async function outcome(call: Promise<unknown>): Promise<unknown> {
  const describe = (value: unknown): unknown =>
    value instanceof RateLimiterRes
      ? { consumed: value.consumedPoints, remaining: value.remainingPoints, first: value.isFirstInDuration, seconds: Math.round(value.msBeforeNext / 1000) }
      : value;
  return call.then(
    (value) => ({ resolved: describe(value) }),
    (error: unknown) => ({ rejected: describe(error) }),
  );
}

/**
 * The store methods are ours, the counting the library's: the same calls on the library's own
 * RateLimiterDrizzle and on the prepared one must come to the same answers and the same rows.
 */
describe.each(databaseKinds())('prepared rate-limit store on %s, beside the library’s', (kind) => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(() => database.close());

  function pair(options: { points: number; duration: number; blockDuration: number }) {
    const [a, b] = [uniqueName('lib'), uniqueName('ours')];
    const base = { ...options, storeClient: database.db, schema: rateLimits, clearExpiredByTimeout: false };
    return {
      library: new RateLimiterDrizzle({ ...base, keyPrefix: a }),
      prepared: new PreparedRateLimiterDrizzle({ ...base, keyPrefix: b }, prepareCounterStatements(database.db), systemClock),
      prefixes: [a, b] as const,
    };
  }

  async function rows(prefix: string): Promise<{ key: string; points: number; expireSeconds: number | null }[]> {
    const all = await database.db.select().from(rateLimits);
    return all
      .filter((row) => row.key.startsWith(`${prefix}:`))
      .map((row) => ({ key: row.key.slice(prefix.length), points: row.points, expireSeconds: row.expire && Math.round((row.expire.getTime() - Date.now()) / 1000) }))
      .sort((x, y) => x.key.localeCompare(y.key));
  }

  async function runBoth(limiters: ReturnType<typeof pair>, steps: readonly Step[]): Promise<[unknown[], unknown[]]> {
    const seen: [unknown[], unknown[]] = [[], []];
    for (const step of steps) {
      seen[0].push(await outcome(step(limiters.library, 'k')));
      seen[1].push(await outcome(step(limiters.prepared, 'k')));
    }
    return seen;
  }

  it('counts, refuses, blocks, rewards, reads and deletes as the library does', async () => {
    const limiters = pair({ points: 5, duration: 600, blockDuration: 60 });
    const consume: Step = (limiter, key) => limiter.consume(key);
    const steps: Step[] = [
      ...Array<Step>(4).fill(consume),
      (limiter, key) => limiter.reward(key),
      ...Array<Step>(4).fill(consume), // the 6th point crosses the limit and blocks for a minute
      (limiter, key) => limiter.get(key),
      (limiter, key) => limiter.delete(key),
      (limiter, key) => limiter.delete(key),
      (limiter, key) => limiter.get(key),
      consume,
      (limiter, key) => limiter.penalty(key, 2),
      (limiter, key) => limiter.block(key, 30),
      (limiter, key) => limiter.get(key),
      consume,
    ];
    const [library, prepared] = await runBoth(limiters, steps);
    expect(prepared).toEqual(library);
    expect(library.filter((o) => 'rejected' in (o as object))).toHaveLength(3);
    expect(await rows(limiters.prefixes[1])).toEqual(await rows(limiters.prefixes[0]));
  });

  it('starts a new window over a row whose window has ended, and reads it as absent', async () => {
    const limiters = pair({ points: 5, duration: 600, blockDuration: 0 });
    const past = new Date(Date.now() - 1000);
    for (const prefix of limiters.prefixes) await database.db.insert(rateLimits).values({ key: `${prefix}:k`, points: 99, expire: past });
    const [library, prepared] = await runBoth(limiters, [(limiter, key) => limiter.get(key), (limiter, key) => limiter.consume(key)]);
    expect(prepared).toEqual(library);
    expect(prepared).toEqual([{ resolved: null }, { resolved: { consumed: 1, remaining: 4, first: true, seconds: 600 } }]);
  });

  it('reads time from its clock: a window and a block end when the clock says, and it reports them by it', async () => {
    const clock = new FakeClock();
    const base = { storeClient: database.db, schema: rateLimits, clearExpiredByTimeout: false, keyPrefix: uniqueName('clock') };
    const limiter = new PreparedRateLimiterDrizzle({ ...base, points: 2, duration: 600, blockDuration: 60 }, prepareCounterStatements(database.db), clock);
    await limiter.consume('k');
    clock.advance(200_000);
    expect(await outcome(limiter.consume('k'))).toEqual({ resolved: { consumed: 2, remaining: 0, first: false, seconds: 400 } });
    clock.advance(400_000);
    expect(await outcome(limiter.consume('k'))).toEqual({ resolved: { consumed: 1, remaining: 1, first: true, seconds: 600 } });

    await limiter.block('k', 60);
    clock.advance(59_000);
    expect(await outcome(limiter.consume('k'))).toEqual({ rejected: { consumed: 4, remaining: 0, first: false, seconds: 1 } });
    clock.advance(1_000);
    expect(await limiter.get('k')).toBeNull();
    expect(await outcome(limiter.consume('k'))).toEqual({ resolved: { consumed: 1, remaining: 1, first: true, seconds: 600 } });
  });
});
