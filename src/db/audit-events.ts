import { and, desc, eq, gt, inArray, isNotNull, lt, type SQL, sql } from 'drizzle-orm';
import type { AuditKey, AuditRepository, NewAuditEvent } from './audit-repository';
import type { Database } from './client';
import { auditEvents, type AuditEventRow, users } from './schema';

/** Events strictly older than the cursor's, in the (at desc, seq desc) order both indexes hold. */
const before = (after: AuditKey | undefined): SQL | undefined =>
  after && sql`(${auditEvents.at}, ${auditEvents.seq}) < (${after.at.toISOString()}::timestamptz, ${after.seq}::bigint)`;

const asRow = (event: NewAuditEvent) => ({ ...event, ip: event.ip ?? null, userAgent: event.userAgent ?? null });

/** The query of a page of events (bench/explain-audit.ts shows its plan): newest first, after a cursor. */
export function auditPageQuery(db: Database, userId: string | undefined, limit: number, after: AuditKey | undefined) {
  return db
    .select()
    .from(auditEvents)
    .where(and(userId === undefined ? undefined : eq(auditEvents.userId, userId), before(after)))
    .orderBy(desc(auditEvents.at), desc(auditEvents.seq))
    .limit(limit);
}

/** The query of the same page of each of several accounts: one index scan per account (lateral), each stopping at `limit`. */
export function auditPagesOfEachQuery(db: Database, userIds: readonly string[], limit: number, after: AuditKey | undefined) {
  const newest = db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.userId, users.id), before(after)))
    .orderBy(desc(auditEvents.at), desc(auditEvents.seq))
    .limit(limit)
    .as('newest');
  return db
    .select({ id: newest.id, seq: newest.seq, action: newest.action, at: newest.at, userId: newest.userId, actorId: newest.actorId, ip: newest.ip, userAgent: newest.userAgent })
    .from(users)
    .crossJoinLateral(newest)
    .where(inArray(users.id, [...userIds]));
}

export function createAuditRepository(db: Database): AuditRepository {
  return {
    async record(events: readonly NewAuditEvent[]): Promise<void> {
      if (events.length === 0) return;
      await db.insert(auditEvents).values(events.map(asRow));
    },

    async page(userId: string | undefined, limit: number, after: AuditKey | undefined): Promise<AuditEventRow[]> {
      return auditPageQuery(db, userId, limit, after);
    },

    async pageOfEach(userIds: readonly string[], limit: number, after: AuditKey | undefined): Promise<AuditEventRow[]> {
      if (userIds.length === 0) return [];
      return auditPagesOfEachQuery(db, userIds, limit, after);
    },

    async forgetClientOf(userId: string): Promise<void> {
      await db.update(auditEvents).set({ ip: null, userAgent: null }).where(eq(auditEvents.userId, userId));
    },

    async deletedSince(since: Date): Promise<{ userId: string; at: Date }[]> {
      const rows = await db
        .select({ userId: auditEvents.userId, at: auditEvents.at })
        .from(auditEvents)
        .where(and(eq(auditEvents.action, 'ACCOUNT_DELETED'), gt(auditEvents.at, since), isNotNull(auditEvents.userId)));
      return rows.map((r) => ({ userId: r.userId!, at: r.at }));
    },

    async sweepOlderThan(cutoff: Date, limit: number): Promise<number> {
      const stale = db.select({ id: auditEvents.id }).from(auditEvents).where(lt(auditEvents.at, cutoff)).limit(limit);
      return (await db.delete(auditEvents).where(inArray(auditEvents.id, stale)).returning({ id: auditEvents.id })).length;
    },
  };
}
