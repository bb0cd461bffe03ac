import { cleanUp, start, tempDir } from '../http/fixtures';
import { type HttpTestServer, parseLogLines, startTestServer, type StartOptions } from '../support/http-server';

const TOKEN = 'metrics-token-0123456789abcdef0123456789';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The URL of /metrics on its own port, as start-up logged it. */
function metricsUrlOf(lines: readonly string[]): string {
  const url = parseLogLines(lines).find((line) => typeof line['metricsUrl'] === 'string')?.['metricsUrl'];
  if (typeof url !== 'string') throw new Error(`no metricsUrl in the start-up log:\n${lines.join('')}`);
  return url;
}

/** Login rates and revocation counts are for the operator: in production no anonymous client reads them. */
describe('/metrics', () => {
  const servers: HttpTestServer[] = [];
  const startServer = async (options: StartOptions) => {
    const server = await startTestServer('pglite', options);
    servers.push(server);
    return server;
  };
  afterAll(() => Promise.all(servers.map((server) => server.close())));

  describe('in production with METRICS_TOKEN', () => {
    let server: HttpTestServer;
    beforeAll(async () => {
      server = await startServer({ production: true, env: { METRICS_TOKEN: TOKEN } });
    });

    it.each([
      ['no Authorization', {}],
      ['a wrong token', bearer(`${TOKEN}x`)],
      ['a prefix of the token', bearer(TOKEN.slice(0, -1))],
      ['the token as Basic credentials', { authorization: `Basic ${TOKEN}` }],
      ['the token without the scheme', { authorization: TOKEN }],
    ])('answers %s with 401 and nothing of the metrics', async (_, headers: Record<string, string>) => {
      const response = await fetch(`${server.origin}/metrics`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).not.toContain('gatehouse_');
    });

    it('answers the bearer of the token with the metrics', async () => {
      const response = await fetch(`${server.origin}/metrics`, { headers: bearer(TOKEN) });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.text()).toMatch(/^# TYPE gatehouse_logins_total counter$/m);
    });
  });

  describe('in production with METRICS_PORT', () => {
    let server: HttpTestServer;
    let metricsUrl: string;
    beforeAll(async () => {
      server = await startServer({ production: true, env: { METRICS_PORT: '0' } });
      metricsUrl = metricsUrlOf(server.logLines);
    });

    it('serves /metrics on that port, to anyone who can reach it, and not on the main port', async () => {
      expect(new URL(metricsUrl).port).not.toBe(new URL(server.origin).port);
      const response = await fetch(metricsUrl);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).toMatch(/^# TYPE gatehouse_logins_total counter$/m);
      expect((await fetch(`${server.origin}/metrics`)).status).toBe(404);
    });

    it('serves nothing else on that port', async () => {
      const origin = new URL(metricsUrl).origin;
      for (const path of ['/graphql', '/health', '/']) expect((await fetch(`${origin}${path}`)).status).toBe(404);
      const post = await fetch(`${origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      expect(post.status).toBe(404);
    });
  });

  describe('in production with METRICS_PORT and METRICS_TOKEN', () => {
    it('asks for the token on that port too', async () => {
      const server = await startServer({ production: true, env: { METRICS_PORT: '0', METRICS_TOKEN: TOKEN } });
      const metricsUrl = metricsUrlOf(server.logLines);
      expect((await fetch(metricsUrl)).status).toBe(401);
      expect((await fetch(metricsUrl, { headers: bearer(TOKEN) })).status).toBe(200);
    });
  });

  describe('in production with neither', () => {
    it('serves no /metrics, and says so at start-up as a warning', async () => {
      const server = await startServer({ production: true });
      expect((await fetch(`${server.origin}/metrics`)).status).toBe(404);
      expect((await fetch(`${server.origin}/metrics`, { headers: bearer(TOKEN) })).status).toBe(404);
      const warning = parseLogLines(server.logLines).find((line) => String(line['msg']).startsWith('metrics are not exposed'));
      expect(warning?.['level']).toBe(40);
      expect(warning?.['msg']).toContain('METRICS_TOKEN or METRICS_PORT');
    });
  });

  describe('outside production', () => {
    it('serves /metrics to anyone with neither set', async () => {
      const server = await startServer({});
      expect((await fetch(`${server.origin}/metrics`)).status).toBe(200);
      expect(parseLogLines(server.logLines).map((line) => line['msg'])).not.toContainEqual(expect.stringMatching(/^metrics/));
    });

    it('asks for METRICS_TOKEN when it is set', async () => {
      const server = await startServer({ env: { METRICS_TOKEN: TOKEN } });
      expect((await fetch(`${server.origin}/metrics`)).status).toBe(401);
      expect((await fetch(`${server.origin}/metrics`, { headers: bearer(TOKEN) })).status).toBe(200);
    });
  });
});

describe('the service process in production with METRICS_PORT', () => {
  afterAll(cleanUp);

  it('serves /metrics on that port alone', async () => {
    const service = await start({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(48), BCRYPT_COST: '10', DATA_DIR: tempDir(), METRICS_PORT: '0' });
    const metricsUrl = service.logs().find((line) => typeof line['metricsUrl'] === 'string')?.['metricsUrl'];
    expect(typeof metricsUrl).toBe('string');
    expect((await fetch(metricsUrl as string)).status).toBe(200);
    expect((await fetch(`${service.origin}/metrics`)).status).toBe(404);
    service.signal('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
  }, 120_000);
});
