import postgres from 'postgres';
import { describeOnPostgres } from '../support/databases';
import { CHANGE_PASSWORD, type GraphQLResult, LOGOUT, LOGOUT_ALL, ME, MY_SESSIONS, REVOKE_SESSION, type Registered, SET_USER_DISABLED, SET_USER_ROLE } from '../support/documents';
import { newSession, pairOf } from '../support/operations';
import { POSTGRES_ADMIN_URL } from '../support/postgres';
import { registerAdmin, registerUser, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait-for';
import { startTwoInstances, type TwoInstances } from '../support/two-instances';

const reasonOf = (result: GraphQLResult) => result.errors?.[0]?.extensions?.['reason'];

/**
 * Two instances of the service on one PostgreSQL database, as behind a load balancer. Each test
 * checks the answer of what it sends to A before it waits on B: a mutation that failed on A
 * fails there, with its errors, not as a wait on B that runs out.
 */
describeOnPostgres('revocation across two instances on one PostgreSQL database', () => {
  let instances: TwoInstances;
  let a: TestApp;
  let b: TestApp;
  const queriesOnB: string[] = [];

  beforeAll(async () => {
    instances = await startTwoInstances({ onQueryOnB: (sql) => queriesOnB.push(sql) });
    ({ a, b } = instances);
  });
  afterAll(() => instances?.close());

  /** Polls instance B until the token is refused there; fails if it never is. */
  async function refusedOnB(token: string): Promise<void> {
    await waitFor(async () => reasonOf(await b.execute(ME, { token })) === 'TOKEN_REVOKED', 'token refused on instance B');
  }

  /** Instance B takes the token (the user's own unless given) as the user's. */
  async function acceptedOnB(user: Registered, accessToken = user.accessToken): Promise<void> {
    expect(await b.execute(ME, { token: accessToken })).toEqual({ data: { me: { id: user.id, username: user.username } } });
  }

  it('logout on A is refused on B', async () => {
    const user = await registerUser(a);
    await acceptedOnB(user);
    const logout = await a.execute(LOGOUT, { token: user.accessToken, variables: { refreshToken: user.refreshToken } });
    expect(logout).toEqual({ data: { logout: true } });
    await refusedOnB(user.accessToken);
  });

  it('logoutAll on A is refused on B', async () => {
    const user = await registerUser(a);
    await acceptedOnB(user);
    expect(await a.execute(LOGOUT_ALL, { token: user.accessToken })).toEqual({ data: { logoutAll: true } });
    await refusedOnB(user.accessToken);
  });

  it("changePassword on A ends the other sessions' tokens on B", async () => {
    const user = await registerUser(a);
    const other = await newSession(a, user);
    const changed = await a.execute(CHANGE_PASSWORD, {
      token: user.accessToken,
      variables: { input: { currentPassword: user.password, newPassword: 'a brand new password' } },
    });
    expect(changed.errors).toBeUndefined();
    const fresh = pairOf(changed, 'changePassword');
    await refusedOnB(other.accessToken);
    await acceptedOnB(user, fresh.accessToken);
    await acceptedOnB(user);
  });

  it('revokeSession on A is refused on B', async () => {
    const user = await registerUser(a);
    const sessions = await a.execute(MY_SESSIONS, { token: user.accessToken });
    expect(sessions.errors).toBeUndefined();
    const [session] = (sessions.data?.['me'] as { sessions: { id: string }[] }).sessions;
    const revoked = await a.execute(REVOKE_SESSION, { token: user.accessToken, variables: { id: session!.id } });
    expect(revoked).toEqual({ data: { revokeSession: true } });
    await refusedOnB(user.accessToken);
  });

  it.each([
    ['setUserDisabled', SET_USER_DISABLED, { disabled: true }, { disabled: true }],
    ['setUserRole', SET_USER_ROLE, { role: 'ADMIN' }, { role: 'ADMIN', disabled: false }],
  ])('%s on A is refused on B', async (field, mutation, variables, answer) => {
    const [user, admin] = [await registerUser(a), await registerAdmin(a)];
    await acceptedOnB(user);
    const result = await a.execute(mutation, { token: admin.accessToken, variables: { userId: user.id, ...variables } });
    expect(result).toEqual({ data: { [field]: { id: user.id, ...answer } } });
    await refusedOnB(user.accessToken);
  });

  it('verifies a burst of valid tokens without one query about revocation', async () => {
    const users = await Promise.all([registerUser(a), registerUser(a), registerUser(a)]);
    queriesOnB.length = 0;
    for (let i = 0; i < 30; i += 1) {
      const user = users[i % users.length]!;
      expect((await b.execute(ME, { token: user.accessToken })).data).toEqual({ me: { id: user.id, username: user.username } });
    }
    // The resolver's own lookup of each user once (its row is then held), and never the sessions table
    // (names quoted as drizzle writes them, so that a column such as users.sessions_opened does not count).
    expect(queriesOnB).toHaveLength(users.length);
    expect(queriesOnB.filter((sql) => /"sessions"|"refresh_tokens"/.test(sql))).toEqual([]);
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
        where application_name = 'gatehouse-listener' and datname = ${new URL(instances.url).pathname.slice(1)}`;
      expect(killed.length).toBeGreaterThanOrEqual(2);
    } finally {
      await admin.end();
    }
    expect(await a.execute(LOGOUT_ALL, { token: user.accessToken })).toEqual({ data: { logoutAll: true } });
    await refusedOnB(user.accessToken);
    await waitFor(async () => b.app.revocationSync.trusted(), 'instance B trusts its list again');
    expect(reasonOf(await b.execute(ME, { token: user.accessToken }))).toBe('TOKEN_REVOKED');
  });
});
