import postgres from 'postgres';
import { type App, createApp } from '../../src/app';
import { systemClock } from '../../src/clock';
import { loadConfig } from '../../src/config/config';
import { type DatabaseHandle, openDatabase } from '../../src/db/client';
import { listenPostgres } from '../../src/db/listen';
import { createLogger } from '../../src/observability/logger';
import { type RunningServer, startHttpServer } from '../../src/http/server';
import { describeOnPostgres } from '../support/databases';
import { type HttpResult, LOGIN, ME, REGISTER, type TokenPair } from '../support/documents';
import { payloadOf, postGraphQL } from '../support/http-server';
import { newAccount } from '../support/operations';
import { createScratchDatabase, POSTGRES_ADMIN_URL } from '../support/postgres';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { TEST_SECRET } from '../support/test-app';
import { waitFor } from '../support/wait-for';

/** Generous: after a long cut the listener retries every 2 s, and a slow machine adds to that. */
const RECOVERY_MS = 20_000;

/** A request that meets a dead database gets its error within this, and recovery takes no longer: by design ~2 s. */
const FAIL_FAST_MS = 5_000;
/** Long enough for the driver's default reconnection backoff to have grown past FAIL_FAST_MS. */
const OUTAGE_MS = 4_000;

/**
 * The service reaches PostgreSQL only through a proxy the test controls, so the test can cut the
 * network under a running instance and bring it back, as a failover or a flaky link would.
 * No unhandled-rejection listener here: jest 30 already fails the running test on any unhandled
 * rejection (a listener added in the test sandbox never hears them), so a rejection a fault
 * provokes anywhere in the service fails the test that provoked it.
 */
describeOnPostgres('with the network to PostgreSQL cut, then restored', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let proxy: TcpProxy;
  let database: DatabaseHandle;
  let app: App;
  let server: RunningServer;
  let origin: string;
  /** Straight to PostgreSQL, around the proxy: "another instance" that the cut does not affect. */
  let direct: postgres.Sql;
  const logLines: string[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    const url = new URL(scratch.url);
    proxy = await startTcpProxy(Number(url.port || 5432));
    direct = postgres(scratch.url, { max: 1, onnotice: () => {} });
    url.port = String(proxy.port);
    database = await openDatabase({ kind: 'postgres', url: url.href, maxConnections: 4 });
    const logger = createLogger({ logLevel: 'info' }, { write: (line: string) => void logLines.push(line) });
    const config = loadConfig({ NODE_ENV: 'test', BCRYPT_COST: '4' });
    app = await createApp({ config, jwtSecret: TEST_SECRET, database, clock: systemClock, log: logger });
    server = await startHttpServer(app, logger, { port: 0, host: '127.0.0.1', production: false, trustProxy: false, graphqlLimits: config.graphql });
    origin = `http://127.0.0.1:${server.port}`;
  });

  afterEach(async () => {
    // Each test starts from a healthy service, whatever the one before it left cut.
    proxy.restore();
    await waitFor(async () => (await health()) === 200 && app.revocationSync.trusted(), 'the service to recover', RECOVERY_MS);
  });

  afterAll(async () => {
    await server?.stop();
    await app?.stop();
    await database?.close();
    await proxy?.close();
    await direct?.end({ timeout: 5 });
    await scratch?.drop();
  });

  const health = async () => (await fetch(`${origin}/health`)).status;
  const graphql = (query: string, options?: Parameters<typeof postGraphQL>[2]) => postGraphQL(`${origin}/graphql`, query, options);
  const register = async () => {
    const account = newAccount('fault');
    return { account, pair: payloadOf(await graphql(REGISTER, { variables: { input: account } }), 'register') };
  };
  const login = (account: { username: string; password: string }) =>
    graphql(LOGIN, { variables: { input: { username: account.username, password: account.password } } });
  const meOf = async (pair: TokenPair) => (await graphql(ME, { token: pair.accessToken })).body;
  const codeOf = (result: HttpResult) => result.body.errors?.[0]?.extensions?.['code'];
  /** What the service logged from line `mark` on: earlier tests' faults log the same messages. */
  const loggedSince = (mark: number) => logLines.slice(mark).join('');

  /** Cuts the network and waits until the service has noticed: /health fails and the listener is down. */
  async function cutAndWaitForNotice(): Promise<void> {
    proxy.cut();
    await waitFor(async () => (await health()) === 503, '/health to answer 503', RECOVERY_MS);
    await waitFor(() => !app.revocationSync.trusted(), 'the revocation sync to stop trusting its list', RECOVERY_MS);
  }

  it('answers every request with a clean error while cut, and never crashes', async () => {
    const mark = logLines.length;
    const { account, pair } = await register();
    expect((await meOf(pair)).data).toEqual({ me: { id: pair.user.id, username: account.username } });

    await cutAndWaitForNotice();

    // The token is well signed, but whether it was revoked meanwhile cannot be known: refused, as unavailable.
    const me = await graphql(ME, { token: pair.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.data).toEqual({ me: null });
    expect(me.body.errors).toHaveLength(1);
    expect(codeOf(me)).toBe('SERVICE_UNAVAILABLE');

    const failedLogin = await login(account);
    expect(failedLogin.body.data).toBeNull();
    expect(failedLogin.body.errors).toHaveLength(1);
    expect(['SERVICE_UNAVAILABLE', 'INTERNAL_SERVER_ERROR']).toContain(codeOf(failedLogin));

    expect(loggedSince(mark)).toContain('revocation notifications lost');
  });

  it('comes back by itself once the network is restored: health, revocation sync, register, login, me', async () => {
    const before = await register();
    await cutAndWaitForNotice();
    const mark = logLines.length;
    proxy.restore();

    await waitFor(async () => (await health()) === 200, '/health to answer 200 again', RECOVERY_MS);
    await waitFor(() => app.revocationSync.trusted(), 'the revocation sync to trust its list again', RECOVERY_MS);
    expect(loggedSince(mark)).toContain('revocation list reloaded');

    expect((await meOf(before.pair)).data).toEqual({ me: { id: before.pair.user.id, username: before.account.username } });
    const after = await register();
    const again = payloadOf(await login(after.account), 'login');
    expect((await meOf(again)).data).toEqual({ me: { id: after.pair.user.id, username: after.account.username } });
  });

  it('honours, once restored, revocations made in the database while it was cut off', async () => {
    const [bySession, byCutoff] = [await register(), await register()];
    await cutAndWaitForNotice();

    // Another instance revokes meanwhile; its notifications never reach this one.
    await direct`update sessions set revoked_at = now() where user_id = ${bySession.pair.user.id}`;
    await direct`update users set token_version = token_version + 1, tokens_revoked_at = now() where id = ${byCutoff.pair.user.id}`;

    proxy.restore();
    await waitFor(() => app.revocationSync.trusted(), 'the revocation sync to trust its list again', RECOVERY_MS);
    // Trusted means verified from memory alone: a refusal now proves the reload picked both up.
    for (const { pair } of [bySession, byCutoff]) {
      const me = await meOf(pair);
      expect(me.data).toEqual({ me: null });
      expect(me.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
    }
  });

  it('fails fast through a long outage, and soon after it ends is healthy and trusts its list again', async () => {
    const { account, pair } = await register();
    await cutAndWaitForNotice();
    // Seconds of traffic against the dead link: every failed reconnection makes postgres.js back
    // off longer (by default up to 20 s), and neither the requests meanwhile nor the recovery
    // afterwards may be made to wait that out.
    for (const outage = Date.now(); Date.now() - outage < OUTAGE_MS; ) {
      const started = Date.now();
      const results = await Promise.all(Array.from({ length: 4 }, () => login(account)));
      for (const result of results) expect(['SERVICE_UNAVAILABLE', 'INTERNAL_SERVER_ERROR']).toContain(codeOf(result));
      expect(Date.now() - started).toBeLessThan(FAIL_FAST_MS);
    }
    proxy.restore();
    await waitFor(async () => (await health()) === 200, '/health to answer 200 soon after the restore', FAIL_FAST_MS);
    await waitFor(() => app.revocationSync.trusted(), 'the revocation sync to trust its list soon after the restore', FAIL_FAST_MS);
    expect(payloadOf(await login(account), 'login').user.id).toBe(pair.user.id);
  });
});

/** The listener on its own, so that the proxy sees its reconnection attempts and nothing else's. */
describeOnPostgres('the revocation listener after a long outage', () => {
  it('listens again within seconds of the database coming back, however many attempts failed', async () => {
    const proxy = await startTcpProxy(Number(new URL(POSTGRES_ADMIN_URL).port || 5432));
    const url = new URL(POSTGRES_ADMIN_URL);
    url.port = String(proxy.port);
    const channel = `fault_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const heard: string[] = [];
    const states: string[] = [];
    const handlers = { onMessage: (payload: string) => void heard.push(payload), onUp: () => void states.push('up'), onDown: () => void states.push('down') };
    const listening = await listenPostgres(url.href, channel, handlers);
    const notifier = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
    try {
      proxy.cut();
      // Seven failures (~5 s): postgres.js's default backoff would now hold the next attempt 10-20 s.
      await waitFor(() => proxy.hungUp() >= 7, 'seven failed attempts to listen again', 45_000);
      expect(states).toEqual(['up', 'down']);
      proxy.restore();
      await waitFor(() => states.length === 3, 'listening again soon after the restore', FAIL_FAST_MS);
      expect(states).toEqual(['up', 'down', 'up']);
      await notifier`select pg_notify(${channel}, 'after the outage')`;
      await waitFor(() => heard.length > 0, 'the notification to arrive');
      expect(heard).toEqual(['after the outage']);
    } finally {
      await listening.close();
      await notifier.end({ timeout: 5 });
      await proxy.close();
    }
  });
});
