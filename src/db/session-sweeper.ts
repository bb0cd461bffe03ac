import { inArray, lt, or } from 'drizzle-orm';
import type { Clock } from '../clock';
import type { Database } from './client';
import { refreshTokens, sessions } from './schema';
import { createSweeper, type Sweeper } from './sweeper';

const SWEEP_EVERY_MS = 60_000;
const SWEEP_BATCH = 1_000;
const DAY_MS = 86_400_000;

/**
 * Deletes up to `limit` sessions that expired or were ended before `before` (their refresh tokens
 * go with them: an ended session's would be refused anyway), and up to `limit` refresh tokens of
 * any session that expired before it: spent tokens,
 * kept to tell a replay, only need keeping while they could otherwise have been accepted.
 * Returns the larger of the two counts, so that a full batch of either shows.
 */
export async function sweepExpiredSessions(db: Database, before: Date, limit: number): Promise<number> {
  const staleSessions = db
    .select({ id: sessions.id })
    .from(sessions)
    .where(or(lt(sessions.expiresAt, before), lt(sessions.revokedAt, before)))
    .limit(limit);
  const endedSessions = await db.delete(sessions).where(inArray(sessions.id, staleSessions)).returning({ id: sessions.id });
  const staleTokens = db.select({ tokenHash: refreshTokens.tokenHash }).from(refreshTokens).where(lt(refreshTokens.expiresAt, before)).limit(limit);
  const spentTokens = await db.delete(refreshTokens).where(inArray(refreshTokens.tokenHash, staleTokens)).returning({ tokenHash: refreshTokens.tokenHash });
  return Math.max(endedSessions.length, spentTokens.length);
}

/**
 * Keeps `sessions` and `refresh_tokens` from growing for ever: now and then, when told of a
 * login, registration or refresh, deletes what expired or ended over `graceMs` ago (so an account
 * that logs in again and again, each login ending its least recently used session, piles up
 * nothing). The grace must cover
 * the access tokens' lifetime and clock leeway (a session's access tokens never outlive it by
 * more), and a day on top so that nothing a client could still present is ever deleted.
 */
export function createSessionSweeper(db: Database, clock: Clock, accessTokenRetentionMs: number): Sweeper {
  const graceMs = accessTokenRetentionMs + DAY_MS;
  return createSweeper({ clock, everyMs: SWEEP_EVERY_MS, batch: SWEEP_BATCH, sweep: (batch) => sweepExpiredSessions(db, new Date(clock.now() - graceMs), batch) });
}
