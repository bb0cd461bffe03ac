import postgres from 'postgres';
import { describeOnPostgres } from '../support/databases';
import {
  type Account,
  type AuthPayload,
  CHANGE_PASSWORD,
  type HttpResult,
  LOGIN,
  LOGOUT,
  LOGOUT_ALL,
  ME,
  MY_SESSIONS,
  REGISTER,
  REVOKE_SESSION,
  SET_USER_DISABLED,
  SET_USER_ROLE,
} from '../support/documents';
import { payloadOf, postGraphQL } from '../support/http-server';
import { newAccount } from '../support/operations';
import { POSTGRES_ADMIN_URL, createScratchDatabase } from '../support/postgres';
import { type RunningService, startService } from '../support/process';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { freshIp, TEST_SECRET } from '../support/test-app';
import { waitFor } from '../support/wait-for';

const START_MS = 45_000;
const LOST = 'revocation notifications lost';
const RELOADED = 'revocation list reloaded';
const reasonOf = (result: HttpResult) => result.body.errors?.[0]?.extensions?.['reason'];

/**
 * Two real server processes on one PostgreSQL database, as behind a load balancer: what one
 * revokes, the other refuses, with nothing shared between them but the database. Each test checks
 * the answer of what it sends to A before it waits on B, so a mutation that failed on A fails
 * there, with its errors, not as a wait on B that runs out.
 */
describeOnPostgres('revocation between two server processes on one PostgreSQL database', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let a: RunningService;
  let b: RunningService;
  /** B reaches the database through this, so that a test can keep B's listener from reconnecting. */
  let proxyForB: TcpProxy;
  const admin = newAccount('xadmin');

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    // Both behind a proxy on loopback, so each registration can come from an IP of its own
    // (`register` is limited per IP). Only A is told to create the admin.
    const env = { DATABASE_URL: scratch.url, JWT_SECRET: TEST_SECRET, TRUST_PROXY: 'loopback' };
    a = await startService({ ...env, ADMIN_USERNAME: admin.username, ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password }, START_MS);
    proxyForB = await startTcpProxy(Number(new URL(scratch.url).port || 5432));
    const throughProxy = new URL(scratch.url);
    throughProxy.port = String(proxyForB.port);
    b = await startService({ ...env, DATABASE_URL: throughProxy.href }, START_MS);
  }, 2 * START_MS);

  afterAll(async () => {
    await Promise.all([a?.dispose(), b?.dispose()]);
    await proxyForB?.close();
    await scratch?.drop();
  });

  const on = (service: RunningService, query: string, options: { token?: string; variables?: Record<string, unknown> } = {}) =>
    postGraphQL(`${service.origin}/graphql`, query, options);

  async function registerOnA(): Promise<AuthPayload & { account: Account }> {
    const account = newAccount('xproc');
    const result = await postGraphQL(`${a.origin}/graphql`, REGISTER, { variables: { input: account }, headers: { 'x-forwarded-for': freshIp() } });
    return { ...payloadOf(result, 'register'), account };
  }

  async function loginOnA(account: { username: string; password: string }): Promise<AuthPayload> {
    return payloadOf(await on(a, LOGIN, { variables: { input: { username: account.username, password: account.password } } }), 'login');
  }

  async function acceptedOnB(tokens: AuthPayload): Promise<void> {
    const result = await on(b, ME, { token: tokens.accessToken });
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toEqual({ me: { id: tokens.user.id, username: expect.any(String) } });
  }

  /** Polls instance B until it refuses the token as revoked; fails if it never does. */
  async function refusedOnB(accessToken: string): Promise<void> {
    await waitFor(async () => reasonOf(await on(b, ME, { token: accessToken })) === 'TOKEN_REVOKED', 'the token refused on instance B');
  }

  it('logout on A is refused on B', async () => {
    const user = await registerOnA();
    await acceptedOnB(user);
    const result = await on(a, LOGOUT, { token: user.accessToken, variables: { refreshToken: user.refreshToken } });
    expect(result.body).toEqual({ data: { logout: true } });
    await refusedOnB(user.accessToken);
  });

  it('logoutAll on A is refused on B, for every session of the user', async () => {
    const user = await registerOnA();
    const second = await loginOnA(user.account);
    await acceptedOnB(second);
    expect((await on(a, LOGOUT_ALL, { token: user.accessToken })).body).toEqual({ data: { logoutAll: true } });
    await refusedOnB(user.accessToken);
    await refusedOnB(second.accessToken);
  });

  it("changePassword on A ends the other sessions' tokens on B, and not the caller's session", async () => {
    const user = await registerOnA();
    const other = await loginOnA(user.account);
    const changed = await on(a, CHANGE_PASSWORD, {
      token: user.accessToken,
      variables: { input: { currentPassword: user.account.password, newPassword: 'a brand new password' } },
    });
    expect(changed.body.errors).toBeUndefined();
    const fresh = payloadOf(changed, 'changePassword');
    await refusedOnB(other.accessToken);
    await acceptedOnB(fresh);
    await acceptedOnB(user);
  });

  it('revokeSession on A is refused on B, and the user’s other session is not', async () => {
    const user = await registerOnA();
    const other = await loginOnA(user.account);
    const sessions = await on(a, MY_SESSIONS, { token: user.accessToken });
    expect(sessions.body.errors).toBeUndefined();
    const current = (sessions.body.data?.['me'] as { sessions: { id: string; current: boolean }[] }).sessions.find((s) => s.current);
    const revoked = await on(a, REVOKE_SESSION, { token: other.accessToken, variables: { id: current!.id } });
    expect(revoked.body).toEqual({ data: { revokeSession: true } });
    await refusedOnB(user.accessToken);
    await acceptedOnB(other);
  });

  it.each([
    ['setUserDisabled', SET_USER_DISABLED, { disabled: true }, { disabled: true }],
    ['setUserRole', SET_USER_ROLE, { role: 'ADMIN' }, { role: 'ADMIN', disabled: false }],
  ])('%s on A is refused on B', async (field, mutation, variables, answer) => {
    const user = await registerOnA();
    const adminTokens = await loginOnA(admin);
    await acceptedOnB(user);
    const result = await on(a, mutation, { token: adminTokens.accessToken, variables: { userId: user.user.id, ...variables } });
    expect(result.body).toEqual({ data: { [field]: { id: user.user.id, ...answer } } });
    await refusedOnB(user.accessToken);
  });

  it('after its notification connection is killed, B distrusts its list, refuses what was revoked in the gap, and reloads', async () => {
    const user = await registerOnA();
    const bystander = await registerOnA();
    await acceptedOnB(user);
    const logged = (message: string) => b.logs().filter((line) => String(line['msg']).startsWith(message)).length;
    const [lostBefore, reloadedBefore] = [logged(LOST), logged(RELOADED)];

    // B's listener is killed and cannot come back until the proxy lets it: a gap of our making.
    proxyForB.refuseNew();
    const superuser = postgres(POSTGRES_ADMIN_URL, { max: 1 });
    try {
      const killed = await superuser`
        select pg_terminate_backend(pid) from pg_stat_activity
        where application_name = 'gatehouse-listener' and datname = ${new URL(scratch.url).pathname.slice(1)}`;
      expect(killed).toHaveLength(2); // A's and B's
    } finally {
      await superuser.end();
    }
    await waitFor(() => logged(LOST) > lostBefore, 'instance B to log that it lost its notifications');

    expect((await on(a, LOGOUT_ALL, { token: user.accessToken })).body).toEqual({ data: { logoutAll: true } });
    // B heard nothing of it, yet does not take the token on trust: it asks the database (through
    // the pool's connections still open), or answers SERVICE_UNAVAILABLE if it cannot.
    const inGap = await on(b, ME, { token: user.accessToken });
    expect(inGap.body.data?.['me'] ?? null).toBeNull();
    expect([reasonOf(inGap) ?? inGap.body.errors?.[0]?.extensions?.['code']]).toEqual([expect.stringMatching(/^(TOKEN_REVOKED|SERVICE_UNAVAILABLE)$/)]);
    expect(logged(RELOADED)).toBe(reloadedBefore);

    proxyForB.restore();
    await waitFor(() => logged(RELOADED) > reloadedBefore, 'instance B to log that it reloaded its revocation list');
    expect(reasonOf(await on(b, ME, { token: user.accessToken }))).toBe('TOKEN_REVOKED');
    await acceptedOnB(bystander);
  });
});
