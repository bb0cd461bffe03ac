import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Clock } from '../../clock';
import type { DatabaseHandle } from '../../db/client';
import { createDatabaseCounters } from './database-counters';
import { openRedisCounters } from './redis-counters';

/** One counter of a store, as rate-limiter-flexible takes it. */
export interface CounterOptions {
  readonly keyPrefix: string;
  readonly points: number;
  /** Seconds. */
  readonly duration: number;
  /** Seconds; 0 for none. */
  readonly blockDuration: number;
}

/** Where the counters live: shared by every instance (the database, or Redis). */
export interface CounterStore {
  counter(options: CounterOptions): RateLimiterAbstract;
  /** Told of every attempt: a store whose rows do not expire by themselves can drop stale ones now and then. */
  tidy(): void;
  /** Whether a count can carry an audit event into the database (CountOptions.audit): the database's counters can, Redis's cannot. */
  readonly recordsAudit: boolean;
}

export interface OpenCounterStore extends CounterStore {
  close(): Promise<void>;
}

/**
 * The rate-limit counters every instance shares: in Redis when REDIS_URL is set, else in the
 * database. In the database, windows and blocks follow `clock`; Redis expires keys by its own.
 */
export async function openCounterStore(redisUrl: string | undefined, database: DatabaseHandle, clock: Clock): Promise<OpenCounterStore> {
  if (redisUrl !== undefined) return openRedisCounters(redisUrl);
  // The database belongs to the caller, who closes it.
  return { ...createDatabaseCounters(database.countersDb, clock), close: async () => {} };
}
