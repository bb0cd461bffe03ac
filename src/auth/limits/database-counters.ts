import { inArray, lt, sql } from 'drizzle-orm';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Clock } from '../../clock';
import type { Database } from '../../db/client';
import { PreparedRateLimiterDrizzle, prepareCounterStatements } from './prepared-rate-limiter';
import { rateLimits } from '../../db/schema';
import { createSweeper } from '../../db/sweeper';

export interface LimiterOptions {
  readonly keyPrefix: string;
  readonly points: number;
  readonly duration: number;
  readonly blockDuration: number;
}

const SWEEP_EVERY_MS = 60_000;
const SWEEP_BATCH = 1_000;

/**
 * Deletes up to `limit` counters that expired over an hour ago by the database's clock, and
 * says how many went. rate-limiter-flexible compares expiries with each instance's own clock;
 * the hour absorbs any skew between those clocks and the database's.
 */
export async function sweepExpiredRateLimits(db: Database, limit: number): Promise<number> {
  const stale = db
    .select({ key: rateLimits.key })
    .from(rateLimits)
    .where(lt(rateLimits.expire, sql`now() - interval '1 hour'`))
    .limit(limit);
  const deleted = await db.delete(rateLimits).where(inArray(rateLimits.key, stale)).returning({ key: rateLimits.key });
  return deleted.length;
}

/**
 * Counters in the `rate_limits` table, atomic through one `INSERT … ON CONFLICT DO UPDATE …
 * RETURNING` per count (RateLimiterDrizzle's, prepared once: prepared-rate-limiter.ts), on PGlite
 * and PostgreSQL alike.
 *
 * The library's own clean-up is off: it runs a timer per limiter that nothing can stop, queries
 * the database after it is closed, and reports through console.warn rather than our JSON logs.
 * Instead, counting an attempt sweeps stale rows now and then (src/db/sweeper.ts: one sweep at a
 * time, one a minute, a bounded batch each): no timer, and the table stays about as large as
 * the attempts of the last day's windows.
 */
export function createDatabaseCounters(db: Database, clock: Clock) {
  const statements = prepareCounterStatements(db);
  const sweeper = createSweeper({ clock, everyMs: SWEEP_EVERY_MS, batch: SWEEP_BATCH, sweep: (batch) => sweepExpiredRateLimits(db, batch) });
  return {
    counter(options: LimiterOptions): RateLimiterAbstract {
      return new PreparedRateLimiterDrizzle({ ...options, storeClient: db, schema: rateLimits, clearExpiredByTimeout: false }, statements);
    },
    tidy: sweeper.tidy,
  };
}
