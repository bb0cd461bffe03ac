import postgres from 'postgres';
import { cleanUp, freshTarget, loginAndListUsers, start, type Target, tempDir } from '../http/fixtures';
import { describeOnPostgres } from '../support/databases';
import { newAccount } from '../support/operations';
import type { RunningService } from '../support/process';
import { waitFor } from '../support/wait-for';

/**
 * A rolling deploy, or replicas booting together: several instances start at the same moment on
 * an empty database with the same ADMIN_*. Each must start, and there must be one ADMIN.
 */

// Real processes on one fresh PostgreSQL database.
const PROCESS_TEST_MS = 180_000;
const INSTANCES = 3;

const adminEnv = (account: { username: string; email: string; password: string }) => ({
  ADMIN_USERNAME: account.username,
  ADMIN_EMAIL: account.email,
  ADMIN_PASSWORD: account.password,
});

afterAll(cleanUp);

describeOnPostgres('instances starting at once with the same ADMIN_* on an empty PostgreSQL database', () => {
  let target: Target;
  beforeAll(async () => {
    target = await freshTarget('postgres');
  });
  afterAll(() => target.dispose());

  it(
    'all start, and one ADMIN account is created between them',
    async () => {
      const admin = newAccount('boot');
      const url = target.env['DATABASE_URL']!;
      // Migrated, still without users: what the instances find, minus the migrations' own race.
      await (await target.open()).close();

      // The same account, inserted and not yet committed: every instance's insert of the ADMIN
      // waits on it, so they all decide before any of them has committed, the moment a race needs.
      const sql = postgres(url, { max: 2, onnotice: () => {} });
      const holder = await sql.reserve();
      try {
        await holder`begin`;
        await holder`insert into users (username, email, password_hash, role, created_at) values (${admin.username}, ${admin.email}, 'held', 'USER', now())`;

        const env = { ...target.env, JWT_SECRET: 'shared-secret-of-at-least-32-bytes!!', ...adminEnv(admin) };
        const starting = Array.from({ length: INSTANCES }, () => start({ ...env, DATA_DIR: tempDir() }));
        const waiting = async () => {
          const [row] = await sql<{ n: number }[]>`
            select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock' and query ilike 'insert into "users"%'`;
          return row!.n;
        };
        await waitFor(async () => (await waiting()) === INSTANCES, `${INSTANCES} inserts of the ADMIN to wait`, PROCESS_TEST_MS / 2);
        await holder`rollback`;

        const results = await Promise.allSettled(starting);
        const failures = results.filter((result) => result.status === 'rejected').map((result) => String(result.reason));
        expect(failures).toEqual([]);
        const services = results.map((result) => (result as PromiseFulfilledResult<RunningService>).value);

        // One of them created it; the others found it made and changed nothing.
        const actions = services.map((service) => service.logs().find((line) => line['action'] !== undefined)?.['action']).sort();
        expect(actions).toEqual(['created', ...Array<string>(INSTANCES - 1).fill('unchanged')]);
        const rows = await sql<{ username: string; role: string }[]>`select username, role from users`;
        expect(rows).toEqual([{ username: admin.username, role: 'ADMIN' }]);
        for (const service of services) {
          const users = await loginAndListUsers(`${service.origin}/graphql`, admin.username, admin.password);
          expect(users.body).toEqual({ data: { users: { totalCount: 1 } } });
        }
      } finally {
        holder.release();
        await sql.end({ timeout: 5 });
      }
    },
    PROCESS_TEST_MS,
  );
});
