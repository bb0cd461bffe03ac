import { type AttemptLimiter, type CountedAccount, DEFAULT_LIMITS, type LimitSettings, createAttemptLimiter } from '../../../src/auth/limits/attempt-limiter';
import type { CounterStore } from '../../../src/auth/limits/counter-store';
import { createDatabaseCounters } from '../../../src/auth/limits/database-counters';
import type { DatabaseHandle } from '../../../src/db/client';
import { RateLimitedError } from '../../../src/errors';
import { databaseKinds, openTestDatabase, uniqueName } from '../../support/databases';
import { FakeClock } from '../../support/fake-clock';

const MINUTE = 60_000;

/**
 * What an attempt came to: the wait it was told, or 'checked' / 'unchecked' (answered as a wrong
 * password without checking it); one let in is then settled as failed.
 */
async function outcome(begun: Promise<{ readonly mayCheckPassword?: boolean; failed(): Promise<void> }>): Promise<unknown> {
  try {
    const attempt = await begun;
    await attempt.failed();
    return attempt.mayCheckPassword === false ? 'unchecked' : 'checked';
  } catch (error) {
    return error instanceof RateLimitedError ? error.retryAfterSeconds : error;
  }
}

/** The counting rules, on the database's counters and the fake clock: Redis has tests of its own (test/security/shared-counters.test.ts). */
describe.each(databaseKinds())('attempt limiter on %s', (kind) => {
  let database: DatabaseHandle;
  let clock: FakeClock;
  let tidied: number;
  let store: CounterStore;
  let limiter: AttemptLimiter;
  const limiterWith = (settings: LimitSettings) => createAttemptLimiter({ store, settings, clock });
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  beforeEach(() => {
    clock = new FakeClock();
    tidied = 0;
    const counters = createDatabaseCounters(database.db, clock);
    store = { counter: counters.counter, tidy: () => void (tidied += 1), recordsAudit: true };
    limiter = limiterWith(DEFAULT_LIMITS);
  });
  afterAll(() => database.close());

  /** An account known by two names, as a username and an email. */
  function account(): CountedAccount & { username: string; email: string } {
    const username = uniqueName('acct');
    return { id: uniqueName('id'), names: [username, `${username}@example.com`], username, email: `${username}@example.com` };
  }
  const ip = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

  async function fail(name: string, owner: CountedAccount | undefined, from: string, times: number, on = limiter): Promise<void> {
    for (let i = 0; i < times; i++) await (await on.beginLogin(name, owner, from)).failed();
  }

  it('refuses a name the 6th attempt after 5 failures, for 15 minutes from the 5th', async () => {
    const [a, from] = [account(), ip()];
    await fail(a.username, a, from, 5);
    expect(await outcome(limiter.beginLogin(a.username, a, from))).toBe(900);
    clock.advance(15 * MINUTE - 1000);
    expect(await outcome(limiter.beginLogin(a.username.toUpperCase(), a, from))).toBe(1);
    clock.advance(1000);
    expect(await outcome(limiter.beginLogin(a.username, a, from))).toBe('checked');
  });

  it('lets a name with 4 failures try once more, and keeps other accounts and other IPs apart', async () => {
    const [a, b, c, from] = [account(), account(), account(), ip()];
    await fail(a.username, a, from, 4);
    expect(await outcome(limiter.beginLogin(a.username, a, from))).toBe('checked');
    await fail(b.username, b, from, 5);
    expect(await outcome(limiter.beginLogin(b.username, b, ip()))).toBe('checked');
    expect(await outcome(limiter.beginLogin(c.username, c, from))).toBe('checked');
  });

  it("answers an account's other name the same whether the account is out of guesses or not, and checks no password", async () => {
    const [a, stranger, from] = [account(), account(), ip()];
    await fail(a.username, a, from, 5);
    // The account has had its 5 guesses: its email is let in, but its password is not checked,
    // and the failures it is answered with count for the email as any name's would.
    const itsEmail: unknown[] = [];
    const strangers: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      itsEmail.push(await outcome(limiter.beginLogin(a.email, a, from)));
      strangers.push(await outcome(limiter.beginLogin(stranger.email, stranger, from)));
    }
    expect(itsEmail).toEqual(['unchecked', 'unchecked', 'unchecked', 'unchecked', 'unchecked', 900]);
    expect(strangers).toEqual(['checked', 'checked', 'checked', 'checked', 'checked', 900]);
  });

  it('gives an account 5 checked guesses in all, whichever of its names they use', async () => {
    const [a, from] = [account(), ip()];
    await fail(a.username, a, from, 3);
    await fail(a.email, a, from, 2);
    expect(await outcome(limiter.beginLogin(a.username, a, from))).toBe('unchecked');
    expect(await outcome(limiter.beginLogin(a.email, a, from))).toBe('unchecked');
    clock.advance(15 * MINUTE);
    expect(await outcome(limiter.beginLogin(a.email, a, from))).toBe('checked');
  });

  it('forgets the failures of every name of the account on a success', async () => {
    const [a, from] = [account(), ip()];
    await fail(a.username, a, from, 3);
    await fail(a.email, a, from, 1);
    await (await limiter.beginLogin(a.email, a, from)).succeeded();
    await fail(a.username, a, from, 4);
    expect(await outcome(limiter.beginLogin(a.username, a, from))).toBe('checked');
  });

  it('counts each name no account has on its own', async () => {
    const [ghost, other, from] = [uniqueName('ghost'), uniqueName('ghost'), ip()];
    await fail(ghost, undefined, from, 5);
    expect(await outcome(limiter.beginLogin(ghost, undefined, from))).toBe(900);
    expect(await outcome(limiter.beginLogin(other, undefined, from))).toBe('checked');
  });

  it("counts a signed-in account's password checks as its logins, and says when it is out of guesses", async () => {
    const [a, from] = [account(), ip()];
    for (let i = 0; i < 5; i++) await (await limiter.beginPasswordCheck(a, from)).failed();
    expect(await outcome(limiter.beginPasswordCheck(a, from))).toBe(900);
    expect(await outcome(limiter.beginLogin(a.username, a, from))).toBe('unchecked');
  });

  it('blocks an IP for a day after 100 failures over any names', async () => {
    const [a, from] = [account(), ip()];
    for (let i = 0; i < 25; i++) await fail(uniqueName('spray'), undefined, from, 4);
    expect(await outcome(limiter.beginLogin(a.username, a, from))).toBe(86_400);
    expect(await outcome(limiter.beginLogin(a.username, a, ip()))).toBe('checked');
    clock.advance(24 * 60 * MINUTE);
    expect(await outcome(limiter.beginLogin(a.username, a, from))).toBe('checked');
  });

  it('does not count an attempt refused for its IP against its name or account', async () => {
    const [a, from] = [account(), ip()];
    const shortIpBlock = limiterWith({ ...DEFAULT_LIMITS, loginIp: { points: 3, durationSeconds: 60, blockSeconds: 1 } });
    for (let i = 0; i < 3; i++) await fail(uniqueName('ghost'), undefined, from, 1, shortIpBlock);
    for (let i = 0; i < 10; i++) expect(await outcome(shortIpBlock.beginLogin(a.username, a, from))).toBe(1);
    clock.advance(1000);
    // Had those 10 counted for the name or the account, it would be blocked for 15 minutes now.
    expect(await outcome(shortIpBlock.beginLogin(a.username, a, from))).toBe('checked');
  });

  it('does not count an attempt refused for its name against its IP', async () => {
    const [a, b, from] = [account(), account(), ip()];
    await fail(a.username, a, from, 5);
    for (let i = 0; i < 120; i++) expect(await outcome(limiter.beginLogin(a.username, a, from))).toBe(900);
    // Had those 120 been counted for the IP, it would be blocked for a day by now.
    expect(await outcome(limiter.beginLogin(b.username, b, from))).toBe('checked');
  });

  it('gives a success its IP point back', async () => {
    const from = ip();
    for (let i = 0; i < 150; i++) {
      const a = account();
      await (await limiter.beginLogin(a.username, a, from)).succeeded();
    }
    expect(await outcome(limiter.beginLogin(uniqueName('x'), undefined, from))).toBe('checked');
  });

  it('counts registrations: 10 per IP, then RATE_LIMITED for the rest of the hour', async () => {
    const from = ip();
    for (let i = 0; i < 10; i++) await limiter.countRegistration(from);
    const refused = await limiter.countRegistration(from).catch((error: unknown) => error);
    expect((refused as RateLimitedError).retryAfterSeconds).toBe(3600);
    clock.advance(60 * MINUTE);
    await expect(limiter.countRegistration(from)).resolves.toBeUndefined();
  });

  it('tells the store of every attempt, so that it can tidy', async () => {
    await limiter.beginLogin('someone', undefined, ip());
    await limiter.countRegistration(ip());
    expect(tidied).toBe(2);
  });

  it('passes a store failure on as it is, not as RATE_LIMITED', async () => {
    const broken = new Error('store unreachable');
    const failing: CounterStore = { counter: (options) => Object.assign(store.counter(options), { consume: () => Promise.reject(broken) }), tidy: () => {}, recordsAudit: true };
    expect(await outcome(createAttemptLimiter({ store: failing, settings: DEFAULT_LIMITS, clock }).beginLogin('someone', undefined, ip()))).toBe(broken);
  });
});
