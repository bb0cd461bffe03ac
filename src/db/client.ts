import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { projectRoot } from '../config/project-root';
import { lockDataDir } from './data-dir-lock';
import { hostOption, postgresConnection } from './postgres-connection';
import { type ListenHandlers, type Listening, listenPglite, listenPostgres } from './listen';
import * as schema from './schema';

/** postgres.js and PGlite behind one drizzle type: repositories never know which they talk to. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Database;
  /**
   * Where the rate-limit counters are written. On PostgreSQL a small pool of its own whose commits
   * do not wait for the disk (synchronous_commit off): a crash of PostgreSQL itself can lose the
   * last moment's counts, never corrupt them, and a login's counting no longer waits for a WAL
   * flush. Everything that must survive (users, sessions, revocations) is written through `db`.
   */
  readonly countersDb: Database;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Hears NOTIFYs on `channel`, and says when listening starts, drops and resumes. */
  listen(channel: string, handlers: ListenHandlers): Promise<Listening>;
  close(): Promise<void>;
}

export type DatabaseTarget = (
  | { readonly kind: 'postgres'; readonly url: string; readonly maxConnections?: number }
  /** `dataDir` undefined: in memory (tests). */
  | { readonly kind: 'pglite'; readonly dataDir: string | undefined }
) & {
  /** Told the SQL text (never the parameters) of every query the repositories run. */
  readonly onQuery?: (sql: string) => void;
};

/**
 * A login counts twice and settles twice. On one connection postgres.js sends each pair in one
 * write, which one backend runs on one wake-up, where several connections would each wake a
 * backend of their own (docs/performance.md). Statements are pipelined, so one connection is no
 * queue of round trips.
 */
const COUNTER_CONNECTIONS = 1;

// Arbitrary but fixed: every instance of the service takes the same lock before migrating.
const MIGRATION_LOCK_KEY = 720_114_051;

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  const onQuery = target.onQuery;
  const options = { schema, ...(onQuery ? { logger: { logQuery: (query: string) => onQuery(query) } } : {}) };
  switch (target.kind) {
    case 'postgres':
      return openPostgres(target.url, target.maxConnections ?? 10, options);
    case 'pglite':
      return openPglite(target.dataDir, options);
  }
}

type DrizzleOptions = { schema: typeof schema; logger?: { logQuery(query: string): void } };

async function openPostgres(url: string, max: number, options: DrizzleOptions): Promise<DatabaseHandle> {
  await migratePostgresWithLock(url);
  const target = postgresConnection(url);
  const client = postgres(target.url, { ...hostOption(target), max, backoff: reconnectDelaySeconds, onnotice: () => {}, connection: { application_name: 'gatehouse' } });
  const countersClient = postgres(target.url, {
    ...hostOption(target),
    max: COUNTER_CONNECTIONS,
    backoff: reconnectDelaySeconds,
    onnotice: () => {},
    connection: { application_name: 'gatehouse-counters', synchronous_commit: 'off' },
  });
  const db = drizzlePostgres(client, options) as unknown as Database;
  return {
    kind: 'postgres',
    db,
    countersDb: drizzlePostgres(countersClient, options) as unknown as Database,
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    listen: (channel, handlers) => listenPostgres(url, channel, handlers),
    close: async () => {
      await Promise.all([client.end({ timeout: 5 }), countersClient.end({ timeout: 5 })]);
    },
  };
}

/**
 * Seconds a pool connection waits before reconnecting after `retries` failed attempts. postgres.js's
 * default grows to 20 s, and queries wait it out: during an outage each request would hang ever
 * longer before failing, and after it /health (2 s timeout) and every request would wait up to
 * 20 s more. Connections are only attempted for queries that wait, so a 1 s ceiling costs little.
 */
function reconnectDelaySeconds(retries: number): number {
  return (0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, 1);
}

/** Two instances starting at once on one database: the second waits, then finds nothing to do. */
async function migratePostgresWithLock(url: string): Promise<void> {
  const target = postgresConnection(url);
  const client = postgres(target.url, { ...hostOption(target), max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migratePostgres(drizzlePostgres(client), { migrationsFolder: migrationsFolder() });
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

async function openPglite(dataDir: string | undefined, options: DrizzleOptions): Promise<DatabaseHandle> {
  let unlock = () => {};
  if (dataDir !== undefined) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  const client = new PGlite(dataDir);
  const db = drizzlePglite(client, options) as unknown as Database;
  try {
    await migratePglite(drizzlePglite(client), { migrationsFolder: migrationsFolder() });
  } catch (error) {
    await client.close();
    unlock();
    throw error;
  }
  return {
    kind: 'pglite',
    db,
    // One connection, and nothing to gain: the counters share it.
    countersDb: db,
    ping: async () => {
      await client.query('select 1');
    },
    listen: (channel, handlers) => listenPglite(client, channel, handlers),
    close: async () => {
      await client.close();
      unlock();
    },
  };
}

function migrationsFolder(): string {
  return join(projectRoot(), 'drizzle');
}
