import { createAttemptGate, type AdmittedEntry, type AttemptGate, type GateEntry, IN_FLIGHT_RETRY_SECONDS } from '../../../src/auth/limits/attempt-gate';
import { createDatabaseCounters } from '../../../src/auth/limits/database-counters';
import type { DatabaseHandle } from '../../../src/db/client';
import { RateLimitedError } from '../../../src/errors';
import { databaseKinds, openTestDatabase, uniqueName } from '../../support/databases';
import { FakeClock } from '../../support/fake-clock';

const RULE = { points: 5, durationSeconds: 86_400, blockSeconds: 900 };
const MINUTE = 60_000;

function admitted(entry: GateEntry): AdmittedEntry {
  if (!entry.admitted) throw new Error('expected the attempt to be admitted');
  return entry;
}

/** The wait a refused attempt is told, or 'admitted' (its point is then withdrawn again). */
async function waitOf(gate: AttemptGate, key: string): Promise<number | 'admitted'> {
  const entry = await gate.enter(key);
  if (entry.admitted) {
    await entry.withdraw();
    return 'admitted';
  }
  const error = await entry.refusal();
  expect(error).toBeInstanceOf(RateLimitedError);
  return error.retryAfterSeconds;
}

/** How the points of a key taken before the password is checked tell attempts in flight from failures. */
describe.each(databaseKinds())('attempt gate on %s', (kind) => {
  let database: DatabaseHandle;
  let clock: FakeClock;
  let gate: (onSuccess?: 'reset' | 'refund') => AttemptGate;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  beforeEach(() => {
    clock = new FakeClock();
    const counters = createDatabaseCounters(database.db, clock);
    const prefix = uniqueName('gate');
    gate = (onSuccess = 'reset') =>
      createAttemptGate({
        counter: counters.counter({ keyPrefix: prefix, points: RULE.points, duration: RULE.durationSeconds, blockDuration: 0 }),
        flights: counters.counter({ keyPrefix: `${prefix}_in_flight`, points: 1e9, duration: 180, blockDuration: 0 }),
        rule: RULE,
        clock,
        onSuccess,
      });
  });
  afterAll(() => database.close());

  const enterMany = async (g: AttemptGate, n: number) => Promise.all(Array.from({ length: n }, () => g.enter('k').then(admitted)));

  it('tells an attempt refused while the others are in flight to retry in seconds, and blocks nothing', async () => {
    const g = gate();
    const flying = await enterMany(g, 5);
    expect(await waitOf(g, 'k')).toBe(IN_FLIGHT_RETRY_SECONDS);
    await Promise.all(flying.map((entry) => entry.succeeded()));
    expect(await waitOf(g, 'k')).toBe('admitted');
  });

  it('blocks for the whole block once every point is a failure, and says what is left of it', async () => {
    const g = gate();
    const flying = await enterMany(g, 5);
    await Promise.all(flying.map((entry) => entry.failed()));
    expect(await waitOf(g, 'k')).toBe(900);
    clock.advance(10 * MINUTE);
    expect(await waitOf(g, 'k')).toBe(300);
    clock.advance(5 * MINUTE);
    expect(await waitOf(g, 'k')).toBe('admitted');
  });

  it('blocks when the last attempt in flight fails, not before', async () => {
    const g = gate();
    const [last, ...rest] = await enterMany(g, 5);
    await Promise.all(rest.map((entry) => entry.failed()));
    expect(await waitOf(g, 'k')).toBe(IN_FLIGHT_RETRY_SECONDS);
    await last!.failed();
    expect(await waitOf(g, 'k')).toBe(900);
  });

  it('restarts the count on a success, also while failures and refusals are around it', async () => {
    const g = gate();
    const [right, ...wrong] = await enterMany(g, 5);
    await Promise.all(wrong.map((entry) => entry.failed()));
    expect(await waitOf(g, 'k')).toBe(IN_FLIGHT_RETRY_SECONDS);
    await right!.succeeded();
    const next = await enterMany(g, 5);
    expect(await waitOf(g, 'k')).toBe(IN_FLIGHT_RETRY_SECONDS);
    await Promise.all(next.map((entry) => entry.succeeded()));
  });

  it('blocks at the next refusal when the failure that filled the count did not (it was alone in flight when it began)', async () => {
    const g = gate();
    for (let i = 0; i < 3; i++) await admitted(await g.enter('k')).failed();
    const alone = admitted(await g.enter('k'));
    const joined = admitted(await g.enter('k'));
    await joined.failed();
    await alone.failed();
    expect(await waitOf(g, 'k')).toBe(900);
  });

  it('counts an attempt never settled as in flight for a minute or more, and as a failure within three', async () => {
    const g = gate();
    await enterMany(g, 5);
    clock.advance(MINUTE);
    expect(await waitOf(g, 'k')).toBe(IN_FLIGHT_RETRY_SECONDS);
    clock.advance(2 * MINUTE);
    expect(await waitOf(g, 'k')).toBe(900);
  });

  it('refunds: a success gives only its own point back, and a refused attempt its point too', async () => {
    const g = gate('refund');
    const failures = await enterMany(g, 4);
    await Promise.all(failures.map((entry) => entry.failed()));
    const right = admitted(await g.enter('k'));
    for (let i = 0; i < 20; i++) expect(await waitOf(g, 'k')).toBe(IN_FLIGHT_RETRY_SECONDS);
    await right.succeeded();
    // The 4 failures stand; the success and the 20 refusals left nothing behind.
    await admitted(await g.enter('k')).failed();
    expect(await waitOf(g, 'k')).toBe(900);
  });

  it('gives a withdrawn attempt its point back', async () => {
    const g = gate();
    for (let i = 0; i < 10; i++) expect(await waitOf(g, 'k')).toBe('admitted');
  });

  it('keeps keys apart', async () => {
    const g = gate();
    await Promise.all((await enterMany(g, 5)).map((entry) => entry.failed()));
    expect(await waitOf(g, 'k')).toBe(900);
    expect(await waitOf(g, 'other')).toBe('admitted');
  });
});
