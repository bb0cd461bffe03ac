import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { describeOnPostgres } from '../support/databases';
import { LOGIN, ME, REFRESH, REGISTER } from '../support/documents';
import { payloadOf, postGraphQL } from '../support/http-server';
import { newAccount } from '../support/operations';
import { type RunningService, spawnService } from '../support/process';
import { cleanUp, exitOf, freshTarget, start, type Target, tempDir, track } from './fixtures';

// Real processes: each start compiles main.ts and opens a database, so these tests get room.
const PROCESS_TEST_MS = 180_000;

afterAll(cleanUp);

const gql = (service: RunningService, query: string, options: Parameters<typeof postGraphQL>[2] = {}) =>
  postGraphQL(`${service.origin}/graphql`, query, options);

describe('the service on the embedded database', () => {
  it(
    'starts with no configuration, and keeps its secret and sessions across a SIGTERM restart',
    async () => {
      const dataDir = tempDir();
      // Only what `npm start` on a fresh checkout would have (BCRYPT_COST and PORT for speed and isolation).
      const env = { DATA_DIR: dataDir, NODE_ENV: 'development' };
      const first = await start(env);
      const secretFile = join(dataDir, 'jwt-secret');
      expect(statSync(secretFile).mode & 0o777).toBe(0o600);
      const secret = readFileSync(secretFile, 'utf8');
      expect(first.logs().find((line) => typeof line['url'] === 'string')).toMatchObject({
        url: `http://localhost:${first.port}/graphql`,
        database: 'pglite',
      });

      const account = newAccount('restart');
      const registered = payloadOf(await gql(first, REGISTER, { variables: { input: account } }), 'register');
      first.signal('SIGTERM');
      expect(await exitOf(first)).toEqual({ code: 0, signal: null });
      // Logged only once the database is closed: a stop that skipped it would still exit 0.
      expect(first.logs().map((line) => line['msg'])).toContain('stopped');

      const second = await start(env);
      expect(readFileSync(secretFile, 'utf8')).toBe(secret);
      const me = await gql(second, ME, { token: registered.accessToken });
      expect(me.body).toEqual({ data: { me: { id: registered.user.id, username: account.username } } });
      const refreshed = await gql(second, REFRESH, { variables: { refreshToken: registered.refreshToken } });
      expect(payloadOf(refreshed, 'refresh').user.id).toBe(registered.user.id);
      const login = await gql(second, LOGIN, { variables: { input: { username: account.username, password: account.password } } });
      expect(payloadOf(login, 'login').user.id).toBe(registered.user.id);
    },
    PROCESS_TEST_MS,
  );
});

describeOnPostgres('the service on PostgreSQL (DATABASE_URL)', () => {
  let target: Target;
  beforeAll(async () => {
    target = await freshTarget('postgres');
  });
  afterAll(() => target.dispose());

  it(
    'comes up twice at the same moment on a fresh database, migrated once, and the instances serve one another’s users',
    async () => {
      const env = { ...target.env, JWT_SECRET: 'shared-secret-of-at-least-32-bytes!!' };
      const results = await Promise.allSettled([start(env), start({ ...env, DATA_DIR: tempDir() })]);
      for (const result of results) if (result.status === 'rejected') throw result.reason;
      const [a, b] = results.map((result) => (result as PromiseFulfilledResult<RunningService>).value) as [RunningService, RunningService];
      for (const service of [a, b]) expect(service.logs().filter((line) => Number(line['level']) >= 50)).toEqual([]);

      const sql = postgres(target.env['DATABASE_URL']!, { max: 1, onnotice: () => {} });
      try {
        const [row] = await sql<{ count: number }[]>`select count(*)::int as count from drizzle.__drizzle_migrations`;
        const journal = JSON.parse(readFileSync(join(__dirname, '../../drizzle/meta/_journal.json'), 'utf8')) as { entries: unknown[] };
        expect(row?.count).toBe(journal.entries.length);
      } finally {
        await sql.end({ timeout: 5 });
      }

      const account = newAccount('pg');
      const registered = payloadOf(await gql(a, REGISTER, { variables: { input: account } }), 'register');
      const login = await gql(b, LOGIN, { variables: { input: { username: account.username, password: account.password } } });
      expect(payloadOf(login, 'login').user.id).toBe(registered.user.id);
      expect((await gql(b, ME, { token: registered.accessToken })).body.data).toEqual({ me: { id: registered.user.id, username: account.username } });
    },
    PROCESS_TEST_MS,
  );
});

describe('the service refuses to start on bad configuration, and says which variable', () => {
  it.each([
    ['NODE_ENV=production without JWT_SECRET', { NODE_ENV: 'production' }, 'JWT_SECRET'],
    ['NODE_ENV=production with a 10-byte JWT_SECRET', { NODE_ENV: 'production', JWT_SECRET: '0123456789' }, 'JWT_SECRET'],
    ['ACCESS_TOKEN_TTL=abc', { ACCESS_TOKEN_TTL: 'abc' }, 'ACCESS_TOKEN_TTL'],
  ])(
    '%s',
    async (_name, env, variable) => {
      const service = track(spawnService({ PORT: '0', DATA_DIR: tempDir(), ...env }));
      const exit = await exitOf(service);
      expect(exit.code).toBeGreaterThan(0);
      expect(service.output()).toMatch(new RegExp(`gatehouse: cannot start: [^]*${variable}`));
      expect(service.output()).not.toContain('listening');
    },
    PROCESS_TEST_MS,
  );
});
