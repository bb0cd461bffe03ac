import postgres from 'postgres';
import { openDatabase } from '../../src/db/client';
import { databaseKinds } from '../support/databases';
import { FakeClock } from '../support/fake-clock';
import { POSTGRES_ADMIN_URL, createScratchDatabase } from '../support/postgres';
import { createTestApp, registerAdmin, registerUser, type Registered, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait-for';

const onPostgres = databaseKinds().includes('postgres') ? describe : describe.skip;

const ME = '{ me { id } }';
const reasonOf = (result: Awaited<ReturnType<TestApp['execute']>>) => result.errors?.[0]?.extensions?.['reason'];

/** Two instances of the service on one PostgreSQL database, as behind a load balancer. */
onPostgres('revocation across two instances on one PostgreSQL database', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let a: TestApp;
  let b: TestApp;
  const queriesOnB: string[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    const clock = new FakeClock();
    const open = (onQuery?: (sql: string) => void) => openDatabase({ kind: 'postgres', url: scratch.url, maxConnections: 4, onQuery });
    a = await createTestApp('postgres', {}, { database: await open(), clock });
    b = await createTestApp('postgres', {}, { database: await open((sql) => queriesOnB.push(sql)), clock });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await scratch?.drop();
  });

  /** Polls instance B until the token is refused there; fails if it never is. */
  async function refusedOnB(token: string): Promise<void> {
    await waitFor(async () => reasonOf(await b.execute(ME, { token })) === 'TOKEN_REVOKED', 'token refused on instance B');
  }

  async function acceptedOnB(user: Registered): Promise<void> {
    expect((await b.execute(ME, { token: user.accessToken })).data).toEqual({ me: { id: user.id } });
  }

  it('logout on A is refused on B', async () => {
    const user = await registerUser(a);
    await acceptedOnB(user);
    await a.execute('mutation($t: String) { logout(refreshToken: $t) }', { token: user.accessToken, variables: { t: user.refreshToken } });
    await refusedOnB(user.accessToken);
  });

  it('logoutAll on A is refused on B', async () => {
    const user = await registerUser(a);
    await acceptedOnB(user);
    await a.execute('mutation { logoutAll }', { token: user.accessToken });
    await refusedOnB(user.accessToken);
  });

  it("changePassword on A ends the other sessions' tokens on B", async () => {
    const user = await registerUser(a);
    const other = await a.execute('mutation($i: LoginInput!) { login(input: $i) { accessToken } }', {
      variables: { i: { username: user.username, password: user.password } },
    });
    const otherToken = (other.data?.['login'] as { accessToken: string }).accessToken;
    await a.execute('mutation($i: ChangePasswordInput!) { changePassword(input: $i) { accessToken } }', {
      token: user.accessToken,
      variables: { i: { currentPassword: user.password, newPassword: 'a brand new password' } },
    });
    await refusedOnB(otherToken);
    await acceptedOnB(user);
  });

  it('revokeSession on A is refused on B', async () => {
    const user = await registerUser(a);
    const me = await a.execute('{ me { sessions { id } } }', { token: user.accessToken });
    const [session] = (me.data?.['me'] as { sessions: { id: string }[] }).sessions;
    await a.execute('mutation($id: ID!) { revokeSession(id: $id) }', { token: user.accessToken, variables: { id: session!.id } });
    await refusedOnB(user.accessToken);
  });

  it.each([
    ['setUserDisabled', 'mutation($id: ID!) { setUserDisabled(userId: $id, disabled: true) { id } }'],
    ['setUserRole', 'mutation($id: ID!) { setUserRole(userId: $id, role: ADMIN) { id } }'],
  ])('%s on A is refused on B', async (_name, mutation) => {
    const [user, admin] = [await registerUser(a), await registerAdmin(a)];
    await acceptedOnB(user);
    const result = await a.execute(mutation, { token: admin.accessToken, variables: { id: user.id } });
    expect(result.errors).toBeUndefined();
    await refusedOnB(user.accessToken);
  });

  it('verifies a burst of valid tokens without one query about revocation', async () => {
    const users = await Promise.all([registerUser(a), registerUser(a), registerUser(a)]);
    queriesOnB.length = 0;
    for (let i = 0; i < 30; i += 1) {
      const user = users[i % users.length]!;
      expect((await b.execute(ME, { token: user.accessToken })).data).toEqual({ me: { id: user.id } });
    }
    // Exactly the resolver's own lookup of the user per request, and never the sessions table.
    expect(queriesOnB).toHaveLength(30);
    expect(queriesOnB.filter((sql) => /sessions|refresh_tokens/.test(sql))).toEqual([]);
  });

  it('authenticates a burst of 100 valid tokens with zero database queries, synchronously', async () => {
    const users = await Promise.all([registerUser(a), registerUser(a), registerUser(a)]);
    queriesOnB.length = 0;
    for (let i = 0; i < 100; i += 1) {
      const user = users[i % users.length]!;
      const result = b.app.authenticate(`Bearer ${user.accessToken}`);
      expect(result).not.toBeInstanceOf(Promise);
      expect(result).toEqual({ ok: true, principal: expect.objectContaining({ userId: user.id }) });
    }
    expect(queriesOnB).toEqual([]);
  });

  it('after its listener is killed, B reloads and still refuses what was revoked in the gap', async () => {
    const user = await registerUser(a);
    await acceptedOnB(user);
    const admin = postgres(POSTGRES_ADMIN_URL, { max: 1 });
    try {
      const killed = await admin`
        select pg_terminate_backend(pid) from pg_stat_activity
        where application_name = 'gatehouse-listener' and datname = ${new URL(scratch.url).pathname.slice(1)}`;
      expect(killed.length).toBeGreaterThanOrEqual(2);
    } finally {
      await admin.end();
    }
    await a.execute('mutation { logoutAll }', { token: user.accessToken });
    await refusedOnB(user.accessToken);
    await waitFor(async () => b.app.revocationSync.trusted(), 'instance B trusts its list again');
    expect(reasonOf(await b.execute(ME, { token: user.accessToken }))).toBe('TOKEN_REVOKED');
  });
});
