import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { Clock } from '../../clock';
import type { NewAuditEvent } from '../../db/audit-repository';
import { RateLimitedError } from '../../errors';

/** One counter: `points` per `durationSeconds` window; when they are used up, the key is blocked for `blockSeconds` (0: until the window ends). */
export interface CounterRule {
  readonly points: number;
  readonly durationSeconds: number;
  readonly blockSeconds: number;
}

/** What an attempt refused only because others of its key are still being checked is told to wait. */
export const IN_FLIGHT_RETRY_SECONDS = 2;
/** A blocked key's count: far above any limit, so that a count tells a block from a full window. */
const BLOCKED = 1_000_000_000;
/**
 * Attempts in flight are counted per key in slots of a minute, and the slots around now are read:
 * an attempt is seen for at least a minute after it began (bcrypt takes well under a second), and
 * one never settled (a process killed mid-check) is forgotten within three.
 */
const SLOT_MS = 60_000;

export type GateEntry = AdmittedEntry | RefusedEntry;

export interface AdmittedEntry {
  readonly admitted: true;
  /**
   * The password was wrong: the point stays, and once every point is such a failure the key is
   * blocked. `audit` is recorded by the statement that lands the attempt, where the store can.
   */
  failed(audit?: NewAuditEvent): Promise<void>;
  /** The password was right: the count starts again (`reset`) or gets its point back (`refund`); `audit` as for `failed`. */
  succeeded(audit?: NewAuditEvent): Promise<void>;
  /** Refused by another count, so never checked: the point goes back. */
  withdraw(): Promise<void>;
}

export interface RefusedEntry {
  readonly admitted: false;
  /** The error to answer with; blocks the key when its points are all settled failures. Call once. */
  refusal(): Promise<RateLimitedError>;
}

export interface AttemptGate {
  /** Counts an attempt on `key` before its password is checked, atomically, so parallel attempts cannot pass the limit together. */
  enter(key: string): Promise<GateEntry>;
  /** Starts the count of `key` again (a success of the account under another of its names). */
  reset(key: string): Promise<void>;
}

export interface GateOptions {
  /** Attempts of the current window: in flight and failed, since the last success. */
  readonly counter: RateLimiterAbstract;
  /** Attempts in flight, per key and slot (a counter that never refuses). */
  readonly flights: RateLimiterAbstract;
  readonly rule: CounterRule;
  readonly clock: Clock;
  /** A success starts the count again (consecutive failures), or only gives its own point back (failures in a window). */
  readonly onSuccess: 'reset' | 'refund';
}

type KeyState = { readonly kind: 'busy' } | { readonly kind: 'failures' | 'blocked'; readonly msLeft: number };

const isBlocked = (res: RateLimiterRes) => res.consumedPoints > BLOCKED / 2;
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * A limit on attempts per key whose points are taken before the password is checked, so that no
 * more than `points` checks are ever pending or failed at once. Points held by attempts still in
 * flight are not failures: an attempt refused while others of its key are being checked is told to
 * retry in a few seconds, and only a key whose points are all settled failures is blocked. The
 * failure that leaves it so stores the block; should it not (it saw a refused attempt still
 * counted as in flight, or it never settled), the first refusal that sees nothing in flight does.
 */
export function createAttemptGate({ counter, flights, rule, clock, onSuccess }: GateOptions): AttemptGate {
  const slotOf = (ms: number) => Math.floor(ms / SLOT_MS);

  async function inFlight(key: string): Promise<number> {
    const now = slotOf(clock.now());
    // The next slot too, for an instance whose clock runs a little ahead.
    const counts = await Promise.all([now - 1, now, now + 1].map((slot) => flights.get(`${key}|${slot}`)));
    return counts.reduce((sum, res) => sum + Math.max(0, res?.consumedPoints ?? 0), 0);
  }

  // With blockSeconds 0 the full window is the block.
  const block = async (key: string) => void (rule.blockSeconds > 0 ? await counter.set(key, BLOCKED, rule.blockSeconds) : undefined);

  /**
   * What holds `key`'s points: attempts in flight (or none: there is room again), only settled
   * failures, or a block. The count is read after the flights, so that a success seen landed has
   * restarted it already.
   */
  async function stateOf(key: string, ownFlight: 0 | 1): Promise<KeyState> {
    if ((await inFlight(key)) - ownFlight > 0) return { kind: 'busy' };
    const count = await counter.get(key);
    if (count === null || count.consumedPoints < rule.points) return { kind: 'busy' };
    return { kind: isBlocked(count) ? 'blocked' : 'failures', msLeft: count.msBeforeNext };
  }

  return {
    async enter(key) {
      const flightKey = `${key}|${slotOf(clock.now())}`;
      const [taken, flying] = await Promise.allSettled([take(counter, key), flights.consume(flightKey)]);
      if (taken.status === 'rejected' || flying.status === 'rejected') {
        // The store failed: undo what was counted, and pass the failure on.
        await Promise.allSettled([
          taken.status === 'fulfilled' ? counter.reward(key) : undefined,
          flying.status === 'fulfilled' ? flights.reward(flightKey) : undefined,
        ]);
        throw taken.status === 'rejected' ? taken.reason : (flying as PromiseRejectedResult).reason;
      }
      const { admitted, res } = taken.value;

      // A settled attempt leaves the flight last, so that whoever sees it gone also sees its count.
      const land = (audit?: NewAuditEvent) => flights.reward(flightKey, 1, audit && { audit });

      if (admitted) {
        // Alone in flight and short of the limit, this failure cannot be the one that leaves only failures.
        const mayFill = res.remainingPoints === 0 || flying.value.consumedPoints > 1;
        return {
          admitted,
          async failed(audit) {
            await land(audit);
            if (mayFill && (await stateOf(key, 0)).kind === 'failures') await block(key);
          },
          async succeeded(audit) {
            await (onSuccess === 'reset' ? counter.delete(key) : counter.reward(key));
            await land(audit);
          },
          async withdraw() {
            await counter.reward(key);
            await land();
          },
        };
      }

      return {
        admitted,
        async refusal() {
          // A refused point stays where a success restarts the count: it only shows the count was full
          // (given back, it could land after a restart and make room for a guess). Elsewhere it goes back.
          const leave = async () => {
            if (onSuccess === 'refund') await counter.reward(key);
            await land();
          };
          if (isBlocked(res)) {
            await leave();
            return new RateLimitedError(seconds(res.msBeforeNext));
          }
          const state = await stateOf(key, 1);
          await Promise.all([leave(), state.kind === 'failures' ? block(key) : undefined]);
          switch (state.kind) {
            case 'busy':
              // Others are being checked, or have just made room: worth another try in a moment.
              return new RateLimitedError(IN_FLIGHT_RETRY_SECONDS);
            case 'blocked':
              return new RateLimitedError(seconds(state.msLeft));
            case 'failures':
              return new RateLimitedError(rule.blockSeconds > 0 ? rule.blockSeconds : seconds(state.msLeft));
          }
        },
      };
    },

    async reset(key) {
      await counter.delete(key);
    },
  };
}

/**
 * Enters every gate at once (one round trip): admitted only by all. When some refuse, the others
 * take their points back (the attempt is not evaluated: no failure of theirs), and the answer is
 * the longest wait among the refusals.
 */
export async function enterAll(entries: readonly (readonly [AttemptGate, string])[]): Promise<AdmittedEntry[]> {
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
async function take(counter: RateLimiterAbstract, key: string): Promise<{ admitted: boolean; res: RateLimiterRes }> {
  try {
    return { admitted: true, res: await counter.consume(key) };
  } catch (error) {
    if (error instanceof RateLimiterRes) return { admitted: false, res: error };
    throw error;
  }
}
