import { inArray, lt } from 'drizzle-orm';
import type { Clock } from '../../clock';
import type { Database } from '../../db/client';
import { rateLimits } from '../../db/schema';
import { createSweeper } from '../../db/sweeper';
import type { CounterStore } from './counter-store';
import { PreparedRateLimiterDrizzle, prepareCounterStatements } from './prepared-rate-limiter';

const SWEEP_EVERY_MS = 60_000;
const SWEEP_BATCH = 1_000;
/** Rows are swept this long after they expire, so that instances whose clocks differ by less agree on what is stale. */
const SWEEP_GRACE_MS = 3_600_000;

/** Deletes up to `limit` counters that expired over an hour before `now`, and says how many went. */
export async function sweepExpiredRateLimits(db: Database, limit: number, now: number): Promise<number> {
  const stale = db
    .select({ key: rateLimits.key })
    .from(rateLimits)
    .where(lt(rateLimits.expire, new Date(now - SWEEP_GRACE_MS)))
    .limit(limit);
  const deleted = await db.delete(rateLimits).where(inArray(rateLimits.key, stale)).returning({ key: rateLimits.key });
  return deleted.length;
}

/**
 * Counters in the `rate_limits` table, atomic through one `INSERT … ON CONFLICT DO UPDATE …
 * RETURNING` per count (RateLimiterDrizzle's, prepared once: prepared-rate-limiter.ts), on PGlite
 * and PostgreSQL alike. Every time they compare or store is the instance's `clock`, the sweep's too.
 *
 * The library's own clean-up is off: it runs a timer per limiter that nothing can stop, queries
 * the database after it is closed, and reports through console.warn rather than our JSON logs.
 * Instead, counting an attempt sweeps stale rows now and then (src/db/sweeper.ts: one sweep at a
 * time, one a minute, a bounded batch each): no timer, and the table stays about as large as
 * the attempts of the last day's windows.
 */
export function createDatabaseCounters(db: Database, clock: Clock): CounterStore {
  const statements = prepareCounterStatements(db);
  const sweeper = createSweeper({ clock, everyMs: SWEEP_EVERY_MS, batch: SWEEP_BATCH, sweep: (batch) => sweepExpiredRateLimits(db, batch, clock.now()) });
  return {
    counter: (options) => new PreparedRateLimiterDrizzle({ ...options, storeClient: db, schema: rateLimits, clearExpiredByTimeout: false }, statements, clock),
    tidy: sweeper.tidy,
    recordsAudit: true,
  };
}
