import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { RateLimiterDrizzle, RateLimiterRes } from 'rate-limiter-flexible';
import type { Clock } from '../../clock';
import type { Database } from '../../db/client';
import type { NewAuditEvent } from '../../db/audit-repository';
import { auditEvents, rateLimits } from '../../db/schema';

export type CounterRow = typeof rateLimits.$inferSelect;

/** A statement prepared once, run with the values of its placeholders. */
export interface PreparedStatement<Values, Row> {
  execute(values: Values): Promise<Row[]>;
}

/** A type alias, not an interface: drizzle takes placeholder values as a Record, and only an alias is assignable to one. */
export type CounterWrite = {
  readonly key: string;
  readonly points: number;
  /** Null: the counter never expires. */
  readonly expire: Date | null;
  /** ISO 8601: only compared with, so no column maps it. */
  readonly now: string;
};

export type CounterLookup = { readonly key: string; readonly now: string };

/** A counter write that also records an audit event, in the same statement. */
export type RecordingCounterWrite = CounterWrite & {
  readonly action: string;
  readonly at: Date;
  readonly userId: string | null;
  readonly actorId: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
};

/** What a count may carry to the store (rate-limiter-flexible hands a call's options to `_upsert`). */
export interface CountOptions {
  /** Recorded by the statement that writes the count: the failure of a login, at no statement of its own. */
  readonly audit?: NewAuditEvent;
}

/** The statements RateLimiterDrizzle runs, each built once per database. */
export interface CounterStatements {
  /** Adds `points` to the key's counter, or starts it afresh when there is none or it has expired; the row after. */
  readonly add: PreparedStatement<CounterWrite, CounterRow>;
  /** `add`, inserting an audit event in the same statement (a data-modifying CTE). */
  readonly addRecording: PreparedStatement<RecordingCounterWrite, CounterRow>;
  /** Sets the key's counter to `points` and `expire`, whatever it held; the row after. */
  readonly replace: PreparedStatement<CounterWrite, CounterRow>;
  /** The key's counter, unless it has expired. */
  readonly get: PreparedStatement<CounterLookup, CounterRow>;
  /** Deletes the key's counter; its key if there was one. */
  readonly remove: PreparedStatement<{ readonly key: string }, { key: string }>;
}

export function prepareCounterStatements(db: Database): CounterStatements {
  const p = (name: string) => sql.placeholder(name);
  const expired = sql`${rateLimits.expire} <= ${p('now')}`;
  const insert = () => db.insert(rateLimits).values({ key: p('key'), points: p('points'), expire: p('expire') });
  const adding = {
    target: rateLimits.key,
    set: {
      points: sql`case when ${expired} then excluded.points else ${rateLimits.points} + excluded.points end`,
      expire: sql`case when ${expired} then excluded.expire else ${rateLimits.expire} end`,
    },
  };
  const audited = db.$with('audited').as(
    db
      .insert(auditEvents)
      .values({ action: p('action'), at: p('at'), userId: p('userId'), actorId: p('actorId'), ip: p('ip'), userAgent: p('userAgent') })
      .returning({ id: auditEvents.id }),
  );
  return {
    add: insert().onConflictDoUpdate(adding).returning().prepare('rate_limits_add'),
    addRecording: db
      .with(audited)
      .insert(rateLimits)
      .values({ key: p('key'), points: p('points'), expire: p('expire') })
      .onConflictDoUpdate(adding)
      .returning()
      .prepare('rate_limits_add_recording'),
    replace: insert()
      .onConflictDoUpdate({ target: rateLimits.key, set: { points: sql`excluded.points`, expire: sql`excluded.expire` } })
      .returning()
      .prepare('rate_limits_replace'),
    get: db
      .select()
      .from(rateLimits)
      .where(and(eq(rateLimits.key, p('key')), or(gt(rateLimits.expire, p('now')), isNull(rateLimits.expire))))
      .prepare('rate_limits_get'),
    remove: db.delete(rateLimits).where(eq(rateLimits.key, p('key'))).returning({ key: rateLimits.key }).prepare('rate_limits_remove'),
  };
}

/**
 * RateLimiterDrizzle with the same statements, prepared once (the library builds each with
 * drizzle's query builder on every call), and with time read from the injected clock rather than
 * Date.now: windows and blocks start, end and are reported by it, so tests can move it. The
 * counting and blocking stay the library's; only the store methods it asks a store to implement
 * (its README, "Contributions") and the reading of a row are replaced.
 */
export class PreparedRateLimiterDrizzle extends RateLimiterDrizzle {
  constructor(
    options: ConstructorParameters<typeof RateLimiterDrizzle>[0],
    private readonly statements: CounterStatements,
    private readonly clock: Clock,
  ) {
    super(options);
  }

  _getRateLimiterRes(_rlKey: string, changedPoints: number, row: CounterRow): RateLimiterRes {
    const msBeforeNext = row.expire === null ? -1 : Math.max(row.expire.getTime() - this.clock.now(), 0);
    return new RateLimiterRes(Math.max(this.points - row.points, 0), msBeforeNext, row.points, row.points === changedPoints);
  }

  async _upsert(key: string, points: number, msDuration: number, forceExpire = false, options: CountOptions = {}): Promise<CounterRow | undefined> {
    const now = this.clock.now();
    const values = { key, points, expire: msDuration > 0 ? new Date(now + msDuration) : null, now: new Date(now).toISOString() };
    const event = options.audit;
    if (event && !forceExpire) {
      const recorded = { ...event, ip: event.ip ?? null, userAgent: event.userAgent ?? null };
      const [row] = await this.statements.addRecording.execute({ ...values, ...recorded });
      return row;
    }
    const [row] = await (forceExpire ? this.statements.replace : this.statements.add).execute(values);
    return row;
  }

  async _get(key: string): Promise<CounterRow | null> {
    const [row] = await this.statements.get.execute({ key, now: new Date(this.clock.now()).toISOString() });
    return row ?? null;
  }

  async _delete(key: string): Promise<boolean> {
    const [row] = await this.statements.remove.execute({ key });
    return row !== undefined;
  }
}
