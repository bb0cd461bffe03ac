import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { Clock } from '../../clock';
import { RateLimitedError } from '../../errors';
import { type AdmittedEntry, type AttemptGate, type CounterRule, createAttemptGate } from './attempt-gate';
import type { CounterStore } from './counter-store';

export type { CounterRule } from './attempt-gate';

export interface LimitSettings {
  /** Consecutive failed logins of one account from one IP. */
  readonly loginAccountIp: CounterRule;
  /** Failed logins from one IP, whatever the account. */
  readonly loginIp: CounterRule;
  /** Registrations from one IP. */
  readonly registerIp: CounterRule;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The limits the service runs with unless told otherwise. */
export const DEFAULT_LIMITS: LimitSettings = Object.freeze({
  // "Consecutive" has no time bound: a failure is remembered for 90 days unless a
  // success or a block wipes it first (rate-limiter-flexible's own recipe for this counter).
  loginAccountIp: { points: 5, durationSeconds: 90 * DAY, blockSeconds: 15 * MINUTE },
  loginIp: { points: 100, durationSeconds: DAY, blockSeconds: DAY },
  registerIp: { points: 10, durationSeconds: HOUR, blockSeconds: 0 },
});

/** A login attempt that has been counted already; say how it ended. */
export interface LoginAttempt {
  succeeded(): Promise<void>;
  failed(): Promise<void>;
}

export interface AttemptLimiter {
  /**
   * Counts a login attempt for `account` from `ip` before the password is checked, so that
   * parallel attempts cannot get past the limit between a check and a count, and a blocked
   * attempt costs no bcrypt. Throws RateLimitedError when the pair or the IP is blocked.
   */
  beginLogin(account: string, ip: string | undefined): Promise<LoginAttempt>;
  /** Counts a registration from `ip`; throws RateLimitedError over the limit. */
  countRegistration(ip: string | undefined): Promise<void>;
}

function counterFor(store: CounterStore, keyPrefix: string, rule: CounterRule): RateLimiterAbstract {
  return store.counter({ keyPrefix, points: rule.points, duration: rule.durationSeconds, blockDuration: rule.blockSeconds });
}

// Long enough for the three one-minute slots a gate reads; flights never refuse.
const FLIGHTS = { points: 1_000_000_000, duration: 180, blockDuration: 0 };

function gateFor(store: CounterStore, clock: Clock, keyPrefix: string, rule: CounterRule, onSuccess: 'reset' | 'refund'): AttemptGate {
  // The gate stores its own blocks, so the library stores none.
  const counter = store.counter({ keyPrefix, points: rule.points, duration: rule.durationSeconds, blockDuration: 0 });
  const flights = store.counter({ keyPrefix: `${keyPrefix}_in_flight`, ...FLIGHTS });
  return createAttemptGate({ counter, flights, rule, clock, onSuccess });
}

/**
 * Enters every gate at once (one round trip): admitted only by all. When some refuse, the others
 * take their points back (the attempt is not evaluated: no failure of theirs), and the answer is
 * the longest wait among the refusals.
 */
async function enterAll(entries: readonly (readonly [AttemptGate, string])[]): Promise<AdmittedEntry[]> {
  const entered = await Promise.allSettled(entries.map(([gate, key]) => gate.enter(key)));
  const ok = entered.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const admitted = ok.filter((entry): entry is AdmittedEntry => entry.admitted);
  const storeFailure = entered.find((result) => result.status === 'rejected');
  if (storeFailure === undefined && admitted.length === entries.length) return admitted;
  const refusals = await Promise.all(ok.map((entry) => (entry.admitted ? entry.withdraw().then(() => undefined) : entry.refusal())));
  if (storeFailure !== undefined) throw storeFailure.reason;
  throw refusals.reduce((longest, error) => (error && (!longest || error.retryAfterSeconds > longest.retryAfterSeconds) ? error : longest));
}

/** rate-limiter-flexible rejects with a RateLimiterRes when over the limit, and with an Error when its store fails. */
async function take(counter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await counter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new RateLimitedError(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
    throw error;
  }
}

export function createAttemptLimiter({ store, settings, clock }: { store: CounterStore; settings: LimitSettings; clock: Clock }): AttemptLimiter {
  const accountIp = gateFor(store, clock, 'login_account_ip', settings.loginAccountIp, 'reset');
  const loginIp = gateFor(store, clock, 'login_ip', settings.loginIp, 'refund');
  const registerIp = counterFor(store, 'register_ip', settings.registerIp);

  return {
    async beginLogin(account, ip) {
      store.tidy();
      const ipKey = ip ?? 'unknown';
      const entries = await enterAll([
        [accountIp, `${account}|${ipKey}`],
        [loginIp, ipKey],
      ]);
      return {
        succeeded: async () => void (await Promise.all(entries.map((entry) => entry.succeeded()))),
        failed: async () => void (await Promise.all(entries.map((entry) => entry.failed()))),
      };
    },

    async countRegistration(ip) {
      store.tidy();
      await take(registerIp, ip ?? 'unknown');
    },
  };
}
