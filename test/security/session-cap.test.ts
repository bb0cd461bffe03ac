import { and, count, eq, gt, isNull } from 'drizzle-orm';
import { openDatabase } from '../../src/db/client';
import { sessions } from '../../src/db/schema';
import { databaseKinds, describeOnPostgres } from '../support/databases';
import { FakeClock } from '../support/fake-clock';
import { type Account, type AuthPayload as TokenPair, type HttpResult, LOGIN, ME, MY_SESSIONS, REFRESH, REGISTER } from '../support/documents';
import { type HttpTestServer, payloadOf, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';
import { createScratchDatabase } from '../support/postgres';
import { freshIp } from '../support/test-app';
import { waitFor } from '../support/wait-for';

const reasonOf = (result: HttpResult) => result.body.errors?.[0]?.extensions?.['reason'];

/** Register, login, refresh and counting over HTTP against one server (its clock, its database). */
function client(server: HttpTestServer, clock: FakeClock) {
  // Each request from an address of its own: parallel correct logins of one pair are not what these tests are about.
  const from = () => ({ headers: { 'x-forwarded-for': freshIp() } });
  return {
    async register(account: Account): Promise<TokenPair> {
      return payloadOf(await server.graphql(REGISTER, { variables: { input: account }, ...from() }), 'register');
    },
    async login(account: Account): Promise<TokenPair> {
      return payloadOf(await server.graphql(LOGIN, { variables: { input: { username: account.username, password: account.password } }, ...from() }), 'login');
    },
    refresh: (refreshToken: string) => server.graphql(REFRESH, { variables: { refreshToken }, ...from() }),
    me: (accessToken: string) => server.graphql(ME, { token: accessToken }),
    async sessionIds(accessToken: string): Promise<string[]> {
      const result = await server.graphql(MY_SESSIONS, { token: accessToken });
      const me = result.body.data?.['me'] as { sessions: { id: string }[] } | undefined;
      if (!me) throw new Error(`me failed: ${JSON.stringify(result.body.errors)}`);
      return me.sessions.map((s) => s.id);
    },
    /** Live sessions as the database holds them, whatever the API would list. */
    async liveInDatabase(userId: string): Promise<number> {
      const now = new Date(clock.now());
      const [row] = await server.database.db
        .select({ n: count() })
        .from(sessions)
        .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)));
      return row!.n;
    },
  };
}

/** Every account has at most MAX_SESSIONS live sessions; one more ends the least recently used. */
describe.each(databaseKinds())('the cap on live sessions (MAX_SESSIONS=3) over HTTP on %s', (kind) => {
  const clock = new FakeClock();
  let server: HttpTestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(kind, { clock, env: { MAX_SESSIONS: '3', TRUST_PROXY: 'loopback' } });
    api = client(server, clock);
  });
  afterAll(() => server.close());

  it('ends the least recently used session when a 4th opens: its access and refresh tokens are refused', async () => {
    const account = newAccount('cap');
    const first = await api.register(account);
    clock.advance(1000);
    const second = await api.login(account);
    clock.advance(1000);
    const third = await api.login(account);
    clock.advance(1000);
    // Used again, the first is no longer the least recently used one: the second is.
    const firstAgain = payloadOf(await api.refresh(first.refreshToken), 'refresh');
    clock.advance(1000);
    const fourth = await api.login(account);

    expect(reasonOf(await api.me(second.accessToken))).toBe('TOKEN_REVOKED');
    expect(reasonOf(await api.refresh(second.refreshToken))).toBe('REFRESH_TOKEN_INVALID');
    for (const pair of [firstAgain, third, fourth]) expect((await api.me(pair.accessToken)).body.errors).toBeUndefined();
    expect(await api.sessionIds(fourth.accessToken)).toHaveLength(3);
    expect(await api.liveInDatabase(first.user.id)).toBe(3);
  });

  it('keeps the cap through 20 parallel logins at it: 3 live sessions after, the newest among them', async () => {
    const account = newAccount('capx');
    const registered = await api.register(account);
    await api.login(account);
    await api.login(account);
    expect(await api.liveInDatabase(registered.user.id)).toBe(3);

    clock.advance(1000);
    const pairs = await Promise.all(Array.from({ length: 20 }, () => api.login(account)));
    expect(await api.liveInDatabase(registered.user.id)).toBe(3);
    const live = await Promise.all(pairs.map(async (pair) => (await api.me(pair.accessToken)).body.errors === undefined));
    expect(live.filter(Boolean)).toHaveLength(3);
    expect(reasonOf(await api.me(registered.accessToken))).toBe('TOKEN_REVOKED');
  });
});

describe.each(databaseKinds())('the cap on live sessions at its default over HTTP on %s', (kind) => {
  const clock = new FakeClock();
  let server: HttpTestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(kind, { clock, env: { TRUST_PROXY: 'loopback' } });
    api = client(server, clock);
  });
  afterAll(() => server.close());

  it('leaves 50 live sessions after 300 logins, and lists 50; the first session is ended', async () => {
    const account = newAccount('cap50');
    const registered = await api.register(account);
    let last: TokenPair | undefined;
    for (let round = 0; round < 30; round += 1) {
      clock.advance(1000);
      [last] = await Promise.all(Array.from({ length: 10 }, () => api.login(account)));
    }
    expect(await api.liveInDatabase(registered.user.id)).toBe(50);
    expect(await api.sessionIds(last!.accessToken)).toHaveLength(50);
    expect(reasonOf(await api.me(registered.accessToken))).toBe('TOKEN_REVOKED');
    expect(reasonOf(await api.refresh(registered.refreshToken))).toBe('REFRESH_TOKEN_INVALID');
  });
});

/** The session a login ends on one instance is refused on another sharing the database. */
describeOnPostgres('the cap on live sessions across two instances on one PostgreSQL database', () => {
  const clock = new FakeClock();
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let a: HttpTestServer;
  let b: HttpTestServer;
  beforeAll(async () => {
    scratch = await createScratchDatabase();
    const open = () => openDatabase({ kind: 'postgres', url: scratch.url, maxConnections: 4 });
    const env = { MAX_SESSIONS: '2', TRUST_PROXY: 'loopback' };
    a = await startTestServer(await open(), { clock, env });
    b = await startTestServer(await open(), { clock, env });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await scratch?.drop();
  });

  it('ends the least recently used session on A, and B refuses its access token and its refresh token', async () => {
    const onA = client(a, clock);
    const onB = client(b, clock);
    const account = newAccount('cap2');
    const first = await onA.register(account);
    // B has verified the token once: it must not go on trusting what it saw.
    expect((await onB.me(first.accessToken)).body.errors).toBeUndefined();
    clock.advance(1000);
    await onA.login(account);
    clock.advance(1000);
    await onA.login(account);

    // A, which ended it, refuses it at once; B once the announcement reaches it.
    expect(reasonOf(await onA.me(first.accessToken))).toBe('TOKEN_REVOKED');
    await waitFor(async () => reasonOf(await onB.me(first.accessToken)) === 'TOKEN_REVOKED', 'the ended session refused on B');
    expect(reasonOf(await onB.refresh(first.refreshToken))).toBe('REFRESH_TOKEN_INVALID');
  });
});
