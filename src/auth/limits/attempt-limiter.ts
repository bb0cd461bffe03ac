import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from '../../errors';
import type { CounterStore } from './counter-store';

/** One counter: `points` per `durationSeconds` window; going over blocks the key for `blockSeconds` (0: until the window ends). */
export interface CounterRule {
  readonly points: number;
  readonly durationSeconds: number;
  readonly blockSeconds: number;
}

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

/**
 * rate-limiter-flexible rejects with a RateLimiterRes when over the limit, and with an Error when
 * its store fails. With a block, the wait is never longer than the block: attempts that race past
 * the limit together are refused before the first of them has stored the block, and would
 * otherwise be told the counter's whole window.
 */
async function take(counter: RateLimiterAbstract, key: string): Promise<RateLimiterRes> {
  try {
    return await counter.consume(key);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    const waitMs = counter.blockDuration > 0 ? Math.min(error.msBeforeNext, counter.blockDuration * 1000) : error.msBeforeNext;
    throw new RateLimitedError(Math.max(1, Math.ceil(waitMs / 1000)));
  }
}

export function createAttemptLimiter({ store, settings }: { store: CounterStore; settings: LimitSettings }): AttemptLimiter {
  const accountIp = counterFor(store, 'login_account_ip', settings.loginAccountIp);
  const loginIp = counterFor(store, 'login_ip', settings.loginIp);
  const registerIp = counterFor(store, 'register_ip', settings.registerIp);

  return {
    async beginLogin(account, ip) {
      store.tidy();
      const ipKey = ip ?? 'unknown';
      const pairKey = `${account}|${ipKey}`;
      // Both counted at once (one round trip, not two). An attempt refused by either is not
      // evaluated, so the other counter gets its point back: it was no failure of the account,
      // nor of the IP.
      const [pairTaken, ipTaken] = await Promise.allSettled([take(accountIp, pairKey), take(loginIp, ipKey)]);
      if (pairTaken.status === 'rejected' || ipTaken.status === 'rejected') {
        await Promise.all([
          pairTaken.status === 'fulfilled' ? accountIp.reward(pairKey) : undefined,
          ipTaken.status === 'fulfilled' ? loginIp.reward(ipKey) : undefined,
        ]);
        throw pairTaken.status === 'rejected' ? pairTaken.reason : (ipTaken as PromiseRejectedResult).reason;
      }
      const [pair, perIp] = [pairTaken.value, ipTaken.value];
      return {
        async succeeded() {
          // Not a failure after all: the IP gets its point back, and the consecutive count restarts.
          await Promise.all([accountIp.delete(pairKey), loginIp.reward(ipKey)]);
        },
        async failed() {
          // The failure that used the last point starts the block now, rather than the next attempt
          // whenever it comes (also blocked, with blockDuration, when attempts race past the limit).
          await Promise.all([
            pair.remainingPoints === 0 ? accountIp.block(pairKey, settings.loginAccountIp.blockSeconds) : undefined,
            perIp.remainingPoints === 0 ? loginIp.block(ipKey, settings.loginIp.blockSeconds) : undefined,
          ]);
        },
      };
    },

    async countRegistration(ip) {
      store.tidy();
      await take(registerIp, ip ?? 'unknown');
    },
  };
}
