import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { databaseKinds } from '../support/databases';
import { LOGIN, LOGOUT, ME, REFRESH, REGISTER, USERS_TOTAL } from '../support/documents';
import { type HttpTestServer, payloadOf, startTestServer } from '../support/http-server';
import { cleanUp, start, tempDir } from './fixtures';
import { newAccount } from '../support/operations';

/** The metric names the README's "Metrics" section promises. */
function readmeMetricNames(): string[] {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Metrics\n'), readme.indexOf('\n## ', readme.indexOf('\n## Metrics\n') + 1));
  // A histogram's _bucket, _sum and _count series share its one # TYPE line.
  return [...new Set((section.match(/\bgatehouse_[a-z_]+\b/g) ?? []).map((name) => name.replace(/_(bucket|sum|count)$/, '')))];
}

/** The value of one series (`name{labels}`) in a scrape; 0 when it has not been seen yet. */
function valueOf(scrape: string, series: string): number {
  const line = scrape.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe.each(databaseKinds())('GET /metrics on %s', (kind) => {
  let server: HttpTestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  async function scrape(): Promise<string> {
    const response = await fetch(`${server.origin}/metrics`);
    expect(response.status).toBe(200);
    return response.text();
  }

  /** How much each series grew while `work` ran. */
  async function growthDuring(series: readonly string[], work: () => Promise<unknown>): Promise<Record<string, number>> {
    const before = await scrape();
    await work();
    const after = await scrape();
    return Object.fromEntries(series.map((s) => [s, valueOf(after, s) - valueOf(before, s)]));
  }

  async function newUser() {
    const account = newAccount('metrics');
    return { account, ...payloadOf(await server.graphql(REGISTER, { variables: { input: account } }), 'register') };
  }

  it('answers in the Prometheus text format, with every metric the README names', async () => {
    const response = await fetch(`${server.origin}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const names = readmeMetricNames();
    expect(names.length).toBeGreaterThanOrEqual(5);
    for (const name of names) expect(text).toMatch(new RegExp(`^# TYPE ${name} (counter|gauge|histogram)$`, 'm'));
  });

  it('counts logins by outcome', async () => {
    const { account } = await newUser();
    const growth = await growthDuring(['gatehouse_logins_total{outcome="ok"}', 'gatehouse_logins_total{outcome="BAD_CREDENTIALS"}'], async () => {
      await server.graphql(LOGIN, { variables: { input: { username: account.username, password: account.password } } });
      await server.graphql(LOGIN, { variables: { input: { username: account.username, password: 'not-the-password' } } });
    });
    expect(growth).toEqual({ 'gatehouse_logins_total{outcome="ok"}': 1, 'gatehouse_logins_total{outcome="BAD_CREDENTIALS"}': 1 });
  });

  it('counts refreshes by outcome', async () => {
    const { refreshToken } = await newUser();
    const series = ['ok', 'REFRESH_TOKEN_REUSED', 'REFRESH_TOKEN_INVALID'].map((outcome) => `gatehouse_refreshes_total{outcome="${outcome}"}`);
    const growth = await growthDuring(series, async () => {
      payloadOf(await server.graphql(REFRESH, { variables: { refreshToken } }), 'refresh');
      await server.graphql(REFRESH, { variables: { refreshToken } });
      await server.graphql(REFRESH, { variables: { refreshToken: 'not-a-refresh-token' } });
    });
    expect(Object.values(growth)).toEqual([1, 1, 1]);
  });

  it('counts denied fields by reason, and nothing for a field that is allowed', async () => {
    const { accessToken } = await newUser();
    const series = ['TOKEN_MISSING', 'TOKEN_INVALID', 'FORBIDDEN'].map((reason) => `gatehouse_denials_total{reason="${reason}"}`);
    const growth = await growthDuring(series, async () => {
      await server.graphql(ME);
      await server.graphql(ME, { token: 'not-a-jwt' });
      await server.graphql(USERS_TOTAL, { token: accessToken });
      expect((await server.graphql(ME, { token: accessToken })).body.errors).toBeUndefined();
    });
    expect(Object.values(growth)).toEqual([1, 1, 1]);
  });

  it('times /graphql requests by HTTP status, refusals included', async () => {
    const growth = await growthDuring(
      ['gatehouse_graphql_request_duration_seconds_count{status="200"}', 'gatehouse_graphql_request_duration_seconds_count{status="413"}'],
      async () => {
        await server.graphql('{ __typename }');
        await server.graphql('{ __typename }');
        const tooBig = JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(110_000) } });
        await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: tooBig });
      },
    );
    expect(Object.values(growth)).toEqual([2, 1]);
  });

  it('reports the size of the revocation state', async () => {
    const { accessToken, refreshToken } = await newUser();
    const growth = await growthDuring(['gatehouse_revocations{kind="session"}'], async () => {
      await server.graphql(LOGOUT, { token: accessToken, variables: { refreshToken } });
    });
    expect(growth).toEqual({ 'gatehouse_revocations{kind="session"}': 1 });
  });
});

describe('with METRICS_ENABLED=false', () => {
  let server: HttpTestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite', { env: { METRICS_ENABLED: 'false' } });
  });
  afterAll(() => server.close());

  it('serves no /metrics, and GraphQL as usual', async () => {
    expect((await fetch(`${server.origin}/metrics`)).status).toBe(404);
    expect((await server.graphql('{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('the service process', () => {
  afterAll(cleanUp);

  it('adds Node’s own metrics (CPU, memory, event loop) to /metrics', async () => {
    const service = await start({ DATA_DIR: tempDir() });
    const text = await (await fetch(`${service.origin}/metrics`)).text();
    for (const name of ['process_cpu_seconds_total', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds', 'gatehouse_logins_total']) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
  }, 120_000);
});
