import { RateLimiterMemory } from 'rate-limiter-flexible';
import { type AttemptLimiter, DEFAULT_LIMITS, createAttemptLimiter } from '../../../src/auth/limits/attempt-limiter';
import type { CounterStore } from '../../../src/auth/limits/counter-store';
import { RateLimitedError } from '../../../src/errors';
import { FakeClock } from '../../support/fake-clock';
import { waitFor } from '../../support/wait-for';

/** What a promise rejected with, or 'resolved'. */
async function outcome(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
}

async function fail(limiter: AttemptLimiter, account: string, ip: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await (await limiter.beginLogin(account, ip)).failed();
}

// RateLimiterMemory forgets a key with a setTimeout, which cannot wait past 24.8 days: the
// contract's 90-day memory of consecutive failures is shortened to one day here.
const SETTINGS = { ...DEFAULT_LIMITS, loginAccountIp: { ...DEFAULT_LIMITS.loginAccountIp, durationSeconds: 86_400 } };

/** The counting rules on in-memory counters: the stores (database, Redis) have tests of their own. */
describe('attempt limiter', () => {
  let limiter: AttemptLimiter;
  let tidied: number;
  beforeEach(() => {
    tidied = 0;
    const store: CounterStore = { counter: (options) => new RateLimiterMemory(options), tidy: () => void (tidied += 1) };
    limiter = createAttemptLimiter({ store, settings: SETTINGS, clock: new FakeClock() });
  });

  it('refuses the 6th attempt of a pair after 5 failures, saying when to retry: 15 minutes from the 5th failure', async () => {
    await fail(limiter, 'user:a', '10.0.0.1', 5);
    const refused = await outcome(limiter.beginLogin('user:a', '10.0.0.1'));
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterSeconds).toBe(900);
  });

  it('lets a pair with 4 failures try once more, and keeps other pairs apart', async () => {
    await fail(limiter, 'user:a', '10.0.0.1', 4);
    expect(await outcome(limiter.beginLogin('user:a', '10.0.0.1'))).toBe('resolved');
    await fail(limiter, 'user:b', '10.0.0.1', 5);
    expect(await outcome(limiter.beginLogin('user:b', '10.0.0.2'))).toBe('resolved');
    expect(await outcome(limiter.beginLogin('user:c', '10.0.0.1'))).toBe('resolved');
  });

  it('forgets the failures of a pair on a success', async () => {
    await fail(limiter, 'user:a', '10.0.0.1', 4);
    await (await limiter.beginLogin('user:a', '10.0.0.1')).succeeded();
    await fail(limiter, 'user:a', '10.0.0.1', 4);
    expect(await outcome(limiter.beginLogin('user:a', '10.0.0.1'))).toBe('resolved');
  });

  it('blocks an IP for a day after 100 failures over any accounts', async () => {
    for (let i = 0; i < 25; i++) await fail(limiter, `login:ghost${i}`, '10.0.0.9', 4);
    const refused = await outcome(limiter.beginLogin('user:a', '10.0.0.9'));
    expect((refused as RateLimitedError).retryAfterSeconds).toBe(86_400);
    expect(await outcome(limiter.beginLogin('user:a', '10.0.0.10'))).toBe('resolved');
  });

  it('does not count an attempt refused for its IP against its pair', async () => {
    const store: CounterStore = { counter: (options) => new RateLimiterMemory(options), tidy: () => {} };
    const shortIpBlock = createAttemptLimiter({ store, settings: { ...SETTINGS, loginIp: { points: 3, durationSeconds: 60, blockSeconds: 1 } }, clock: new FakeClock() });
    for (let i = 0; i < 3; i++) await fail(shortIpBlock, `login:ghost${i}`, '10.0.0.8', 1);
    for (let i = 0; i < 10; i++) expect(await outcome(shortIpBlock.beginLogin('user:a', '10.0.0.8'))).toBeInstanceOf(RateLimitedError);
    // Had those 10 counted for user:a, its pair would be blocked for 15 minutes once the IP is free.
    await waitFor(async () => (await outcome(shortIpBlock.beginLogin('user:a', '10.0.0.8'))) === 'resolved', 'the IP block to end', 10_000);
  });

  it('does not count an attempt refused for its pair against its IP', async () => {
    await fail(limiter, 'user:a', '10.0.0.11', 5);
    for (let i = 0; i < 120; i++) expect(await outcome(limiter.beginLogin('user:a', '10.0.0.11'))).toBeInstanceOf(RateLimitedError);
    // Had those 120 been counted for the IP, it would be blocked for a day by now.
    expect(await outcome(limiter.beginLogin('user:b', '10.0.0.11'))).toBe('resolved');
  });

  it('gives a success its IP point back', async () => {
    for (let i = 0; i < 150; i++) await (await limiter.beginLogin(`user:${i}`, '10.0.0.3')).succeeded();
    expect(await outcome(limiter.beginLogin('user:x', '10.0.0.3'))).toBe('resolved');
  });

  it('counts registrations: 10 per IP, then RATE_LIMITED for the rest of the hour', async () => {
    for (let i = 0; i < 10; i++) await limiter.countRegistration('10.0.0.4');
    const refused = await outcome(limiter.countRegistration('10.0.0.4'));
    expect((refused as RateLimitedError).retryAfterSeconds).toBeGreaterThan(3590);
    expect(await outcome(limiter.countRegistration('10.0.0.5'))).toBe('resolved');
  });

  it('tells the store of every attempt, so that it can tidy', async () => {
    await limiter.beginLogin('user:a', '10.0.0.6');
    await limiter.countRegistration('10.0.0.6');
    expect(tidied).toBe(2);
  });

  it('passes a store failure on as it is, not as RATE_LIMITED', async () => {
    const broken = new Error('store unreachable');
    const store: CounterStore = {
      counter: (options) => Object.assign(new RateLimiterMemory(options), { consume: () => Promise.reject(broken) }),
      tidy: () => {},
    };
    expect(await outcome(createAttemptLimiter({ store, settings: SETTINGS, clock: new FakeClock() }).beginLogin('user:a', '10.0.0.7'))).toBe(broken);
  });
});
