import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DatabaseKind, databaseKinds } from '../support/databases';
import { LOGIN, REGISTER } from '../support/documents';
import { payloadOf, postGraphQL } from '../support/http-server';
import { newAccount } from '../support/operations';
import { createScratchDatabase } from '../support/postgres';
import { type RunningService, spawnService, startService } from '../support/process';
import { freshIp, TEST_SECRET } from '../support/test-app';
import { waitFor } from '../support/wait-for';

const USERS = 20;
/** Start-up of a real process: PGlite's first start creates its cluster, which takes seconds. */
const START_MS = 45_000;

/**
 * The real process, killed without warning (SIGKILL: no handler runs, nothing is flushed by the
 * service), must have kept every registration it reported as done; and one process owns an
 * embedded database.
 */
describe.each(databaseKinds())('the real process on %s', (kind: DatabaseKind) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-durability-'));
  // Behind a proxy on loopback, each registration from a client IP of its own: `register` is
  // limited to 10 per IP per hour, and this file registers more than that.
  let env: Record<string, string> = { DATA_DIR: dataDir, TRUST_PROXY: 'loopback' };
  const registerAt = (service: RunningService, account: { username: string; email: string; password: string }) =>
    postGraphQL(`${service.origin}/graphql`, REGISTER, { variables: { input: account }, headers: { 'x-forwarded-for': freshIp() } });
  let dropDatabase = async () => {};
  const started: RunningService[] = [];
  /** The instance serving now, if any: tests use it rather than pay for another start. */
  let current: RunningService | undefined;

  beforeAll(async () => {
    if (kind === 'postgres') {
      const scratch = await createScratchDatabase();
      env = { ...env, DATABASE_URL: scratch.url, JWT_SECRET: TEST_SECRET };
      dropDatabase = () => scratch.drop();
    }
  });

  afterAll(async () => {
    await Promise.all(started.map((service) => service.dispose()));
    rmSync(dataDir, { recursive: true, force: true });
    await dropDatabase();
  });

  const start = async () => {
    current = await startService(env, START_MS);
    started.push(current);
    return current;
  };
  const serving = async () => (current?.running() ? current : start());
  const loginAs = (service: RunningService, account: { username: string; password: string }) =>
    postGraphQL(`${service.origin}/graphql`, LOGIN, { variables: { input: { username: account.username, password: account.password } } });

  it(`keeps all ${USERS} acknowledged registrations across SIGKILL and a restart`, async () => {
    const first = await serving();
    const accounts = [];
    for (let i = 0; i < USERS; i += 1) {
      const account = newAccount('durable');
      // Awaited one by one: each was acknowledged to its client before the kill.
      payloadOf(await registerAt(first, account), 'register');
      accounts.push(account);
    }

    first.signal('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // On PGlite the dead process's lock is left behind: the restart must take it over.
    if (kind === 'pglite') expect(readFileSync(join(dataDir, 'pglite', 'gatehouse.pid'), 'utf8')).toBe(String(first.pid));

    const second = await start();
    for (const account of accounts) {
      const login = await loginAs(second, account);
      expect(login.body.errors).toBeUndefined();
      expect(payloadOf(login, 'login').accessToken).toEqual(expect.any(String));
    }
  }, 3 * START_MS);

  if (kind === 'pglite') {
    it('refuses a second process on the same DATA_DIR, naming it, while the first keeps serving', async () => {
      const owner = await serving();
      const account = newAccount('owner');
      payloadOf(await registerAt(owner, account), 'register');

      const intruder = spawnService({ PORT: '0', BCRYPT_COST: '4', LOG_LEVEL: 'info', DATA_DIR: dataDir });
      try {
        await waitFor(() => !intruder.running(), 'the second process to give up', START_MS);
      } finally {
        await intruder.dispose();
      }
      expect((await intruder.exited).code).toBe(1);
      expect(intruder.output()).toContain(`cannot start: the embedded database in ${join(dataDir, 'pglite')} is in use by process ${owner.pid}`);

      expect(owner.running()).toBe(true);
      expect((await fetch(`${owner.origin}/health`)).status).toBe(200);
      expect(payloadOf(await loginAs(owner, account), 'login').user.id).toEqual(expect.any(String));
    }, 2 * START_MS);
  }
});
