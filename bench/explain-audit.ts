import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { auditPageQuery, auditPagesOfEachQuery } from '../src/db/audit-events';
import { openDatabase } from '../src/db/client';

/**
 * Fills a scratch PostgreSQL database with 100 000 audit events (1 000 accounts × 100, over a
 * year) and prints the plans of the log's reads, as the repository builds them: an account's
 * newest 20, everyone's newest 20, each of those after a cursor, and the newest 3 of a page of
 * 20 accounts. `npx tsx bench/explain-audit.ts`; BENCH_DATABASE_URL as for `npm run bench`.
 */
const ADMIN_URL = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const ACCOUNTS = 1_000;
const PER_ACCOUNT = 100;
const YEAR_MS = 365 * 86_400_000;

async function main(): Promise<void> {
  const name = `gatehouse_explain_${process.pid}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const database = await openDatabase({ kind: 'postgres', url: ADMIN_URL.replace(/\/[^/]*$/, `/${name}`), maxConnections: 1 });
  try {
    const db = database.db;
    const now = Date.UTC(2026, 11, 1);
    await db.execute(sql`
      insert into users (id, username, email, password_hash, created_at)
      select gen_random_uuid(), 'user' || n, 'user' || n || '@example.com', 'x', now() from generate_series(1, ${ACCOUNTS}) as n`);
    await db.execute(sql`
      insert into audit_events (action, at, user_id, actor_id, ip, user_agent)
      select 'LOGGED_IN', to_timestamp((${now} - random() * ${YEAR_MS}) / 1000), u.id, u.id, '192.0.2.1', 'explain'
      from users u cross join generate_series(1, ${PER_ACCOUNT})`);
    await db.execute(sql`analyze audit_events`);
    await db.execute(sql`analyze users`);

    const ids = (await db.execute<{ id: string }>(sql`select id from users order by id limit 20`)) as unknown as { id: string }[];
    const userId = ids[0]!.id;
    const [userCursor] = await auditPageQuery(db, userId, 20, undefined).offset(19);
    const [allCursor] = await auditPageQuery(db, undefined, 20, undefined).offset(19);
    const reads = {
      "an account's newest 20": auditPageQuery(db, userId, 21, undefined),
      "an account's next 20, after a cursor": auditPageQuery(db, userId, 21, userCursor),
      "everyone's newest 20": auditPageQuery(db, undefined, 21, undefined),
      "everyone's next 20, after a cursor": auditPageQuery(db, undefined, 21, allCursor),
      'the newest 3 of each of a page of 20 accounts': auditPagesOfEachQuery(db, ids.map((r) => r.id), 4, undefined),
    };
    console.log(`${ACCOUNTS * PER_ACCOUNT} events, ${ACCOUNTS} accounts, PostgreSQL ${((await db.execute<{ v: string }>(sql`show server_version`)) as unknown as { server_version: string }[])[0]!.server_version}\n`);
    for (const [what, query] of Object.entries(reads)) {
      const plan = (await db.execute(sql`explain (analyze, buffers, costs off) ${query}`)) as unknown as { 'QUERY PLAN': string }[];
      console.log(`-- ${what}\n${plan.map((row) => row['QUERY PLAN']).join('\n')}\n`);
    }
  } finally {
    await database.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
  }
}

void main();
