import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { Clock } from '../../clock';
import type { NewAuditEvent } from '../../db/audit-repository';
import { RateLimitedError } from '../../errors';
import { type AdmittedEntry, type AttemptGate, type CounterRule, createAttemptGate, enterAll } from './attempt-gate';
import type { CounterStore } from './counter-store';

export type { CounterRule } from './attempt-gate';

export interface LimitSettings {
  /** Consecutive failed logins from one IP: counted for the name typed, and for the account it names. */
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

/** An account, as the limits know it: its id and the names it logs in with (username, email). */
export interface CountedAccount {
  readonly id: string;
  readonly names: readonly string[];
}

/** A login attempt that has been counted already; say how it ended. */
export interface LoginAttempt {
  /**
   * False when the account has no guess left from this IP: check no password (compare against
   * none, for the same time) and answer as to a wrong one, then call `failed`.
   */
  readonly mayCheckPassword: boolean;
  /** `audit` is recorded by one of the statements that settle the attempt, when `AttemptLimiter.recordsAudit`. */
  succeeded(audit?: NewAuditEvent): Promise<void>;
  failed(audit?: NewAuditEvent): Promise<void>;
  /**
   * The password was right, but the account has a second factor still to give: the attempt's
   * point goes back and the count stays as it was, so knowing the password buys no extra guesses
   * at the code. Only the code's success (`beginCodeCheck`) restarts the count.
   */
  passwordOnly(): Promise<void>;
}

/** A check of a signed-in (or half signed-in) account's own secret, counted as a login of it. */
export type SecretCheck = Omit<LoginAttempt, 'mayCheckPassword' | 'passwordOnly'>;

export interface AttemptLimiter {
  /** Whether settling a login records the event given to it (the database's counters); else the caller must record it. */
  readonly recordsAudit: boolean;

  /**
   * Counts a login attempt with the name typed (`account`: the account it names, if any) from `ip`
   * before the password is checked, so that parallel attempts cannot get past the limit between a
   * check and a count, and a refused attempt costs no bcrypt. Throws RateLimitedError when the
   * name or the IP is refused.
   */
  beginLogin(name: string, account: CountedAccount | undefined, ip: string | undefined): Promise<LoginAttempt>;
  /** Counts a check of a signed-in account's own password as a login of it; RateLimitedError when it has no guess left. */
  beginPasswordCheck(account: CountedAccount, ip: string | undefined): Promise<SecretCheck>;
  /**
   * Counts a second-factor code as a login of the account under each of its names, so that five
   * wrong codes block the account's names from `ip` as five wrong passwords block the one typed.
   */
  beginCodeCheck(account: CountedAccount, ip: string | undefined): Promise<SecretCheck>;
  /** Counts a registration from `ip`; throws RateLimitedError over the limit. */
  countRegistration(ip: string | undefined): Promise<void>;
  /** Starts the account's consecutive failures from `ip` again, for it and each of its names, as a successful login does (after a reset by mail). */
  clearFailures(account: CountedAccount, ip: string | undefined): Promise<void>;
}

// Long enough for the three one-minute slots a gate reads; flights never refuse.
const FLIGHTS = { points: 1_000_000_000, duration: 180, blockDuration: 0 };

function gateFor(store: CounterStore, clock: Clock, keyPrefix: string, rule: CounterRule, onSuccess: 'reset' | 'refund'): AttemptGate {
  // The gate stores its own blocks, so the library stores none.
  const counter = store.counter({ keyPrefix, points: rule.points, duration: rule.durationSeconds, blockDuration: 0 });
  const flights = store.counter({ keyPrefix: `${keyPrefix}_in_flight`, ...FLIGHTS });
  return createAttemptGate({ counter, flights, rule, clock, onSuccess });
}

/** rate-limiter-flexible rejects with a RateLimiterRes when over the limit, and with an Error when its store fails. */
export async function take(counter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await counter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new RateLimitedError(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
    throw error;
  }
}

// Names match as registered, regardless of ASCII case only (users.ts): counted the same way.
const nameKey = (name: string) => name.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
/** Settles every entry; the first carries the audit event, so that it is recorded once. */
const settleAll = async (entries: readonly AdmittedEntry[], how: 'failed' | 'succeeded', audit?: NewAuditEvent) =>
  void (await Promise.all(entries.map((entry, i) => entry[how](i === 0 ? audit : undefined))));

/**
 * Login attempts are counted three ways, each from one IP: per name typed, per account, and
 * overall. Only the name's count and the IP's are ever said: a name's answer depends on what was
 * tried with that name, never on whether another name belongs to the same account (else blocking
 * `bob` and trying `bob@example.com` would tell whose address it is). The account's count keeps
 * an account at 5 checked guesses per block, whichever of its names they use: an account out of
 * guesses gets its password checked no more, and the attempt is answered, timed and counted as a
 * wrong password for that name (so a 6th guess through the other name is a failure, even with the
 * right password). It is taken after the other two, and only by attempts they let in, so that
 * parallel attempts under one name never fill it past their own limit.
 */
export function createAttemptLimiter({ store, settings, clock }: { store: CounterStore; settings: LimitSettings; clock: Clock }): AttemptLimiter {
  const byName = gateFor(store, clock, 'login_name_ip', settings.loginAccountIp, 'reset');
  const byAccount = gateFor(store, clock, 'login_account_ip', settings.loginAccountIp, 'reset');
  const byIp = gateFor(store, clock, 'login_ip', settings.loginIp, 'refund');
  const registerIp = store.counter({ keyPrefix: 'register_ip', points: settings.registerIp.points, duration: settings.registerIp.durationSeconds, blockDuration: settings.registerIp.blockSeconds });

  // A success of the account restarts the count of each of its names from that IP.
  const resetNames = (account: CountedAccount | undefined, typed: string, ipKey: string) =>
    Promise.all((account?.names ?? []).map(nameKey).filter((name) => name !== typed).map((name) => byName.reset(`${name}|${ipKey}`)));

  return {
    recordsAudit: store.recordsAudit,

    async beginLogin(name, account, ip) {
      store.tidy();
      const [typed, ipKey] = [nameKey(name), ip ?? 'unknown'];
      const entries = await enterAll([
        [byName, `${typed}|${ipKey}`],
        [byIp, ipKey],
      ]);
      // A name no account has is counted as an account of its own: the same work either way.
      const accountEntry = await byAccount.enter(`${account ? `user:${account.id}` : `name:${typed}`}|${ipKey}`).catch(async (error: unknown) => {
        await Promise.all(entries.map((entry) => entry.withdraw()));
        throw error;
      });
      if (accountEntry.admitted) {
        const all = [...entries, accountEntry];
        return {
          mayCheckPassword: true,
          succeeded: async (audit) => void (await Promise.all([settleAll(all, 'succeeded', audit), resetNames(account, typed, ipKey)])),
          failed: (audit) => settleAll(all, 'failed', audit),
          passwordOnly: async () => void (await Promise.all(all.map((entry) => entry.withdraw()))),
        };
      }
      // Settled while the comparison runs, so that the answer takes no longer than a checked one.
      const refused = accountEntry.refusal();
      refused.catch(() => {});
      const failed = async (audit?: NewAuditEvent) => void (await Promise.all([settleAll(entries, 'failed', audit), refused]));
      // Nothing was checked, so nothing can have succeeded: counted as the failure it was answered as.
      return { mayCheckPassword: false, succeeded: failed, failed, passwordOnly: failed };
    },

    async beginPasswordCheck(account, ip) {
      store.tidy();
      const ipKey = ip ?? 'unknown';
      const entries = await enterAll([
        [byAccount, `user:${account.id}|${ipKey}`],
        [byIp, ipKey],
      ]);
      return {
        succeeded: async () => void (await Promise.all([settleAll(entries, 'succeeded'), resetNames(account, '', ipKey)])),
        failed: () => settleAll(entries, 'failed'),
      };
    },

    async beginCodeCheck(account, ip) {
      store.tidy();
      const ipKey = ip ?? 'unknown';
      const entries = await enterAll([
        ...[...new Set(account.names.map(nameKey))].map((name) => [byName, `${name}|${ipKey}`] as const),
        [byAccount, `user:${account.id}|${ipKey}`],
        [byIp, ipKey],
      ]);
      return {
        succeeded: () => settleAll(entries, 'succeeded'),
        failed: () => settleAll(entries, 'failed'),
      };
    },

    async countRegistration(ip) {
      store.tidy();
      await take(registerIp, ip ?? 'unknown');
    },

    async clearFailures(account, ip) {
      const ipKey = ip ?? 'unknown';
      await Promise.all([byAccount.reset(`user:${account.id}|${ipKey}`), resetNames(account, '', ipKey)]);
    },
  };
}
