import { databaseKinds } from '../support/databases';
import { LOGIN, LOGOUT, ME, REFRESH, REGISTER } from '../support/documents';
import { type HttpTestServer, parseLogLines, payloadOf, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';
import { TEST_SECRET } from '../support/test-app';

describe.each(databaseKinds())('request logs on %s', (kind) => {
  let server: HttpTestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  /** The request lines written while `work` ran, so tests sharing the server do not see each other's. */
  async function requestLinesDuring(work: () => Promise<void>): Promise<Record<string, unknown>[]> {
    const from = server.logLines.length;
    await work();
    return parseLogLines(server.logLines.slice(from)).filter((line) => line['msg'] === 'graphql request');
  }

  it('writes one JSON line per request: operation, duration, outcome and the user id when known', async () => {
    const account = newAccount('log');
    let userId = '';
    const lines = await requestLinesDuring(async () => {
      const registered = payloadOf(await server.graphql(REGISTER, { variables: { input: account } }), 'register');
      userId = registered.user.id;
      await server.graphql(ME, { token: registered.accessToken });
      await server.graphql(ME);
    });

    expect(lines.map((line) => [line['operation'], line['outcome'], line['userId']])).toEqual([
      ['Register', 'ok', userId],
      ['Me', 'ok', userId],
      ['Me', 'UNAUTHENTICATED', undefined],
    ]);
    for (const line of lines) {
      expect(line['durationMs']).toEqual(expect.any(Number));
      expect(line['durationMs']).toBeGreaterThanOrEqual(0);
    }
  });

  it('never writes a password, token, hash or the JWT secret', async () => {
    const account = newAccount('secret');
    const wrongPassword = `wrong-${account.password}`;
    const secrets: string[] = [account.password, wrongPassword, TEST_SECRET];
    const from = server.logLines.length;

    const registered = payloadOf(await server.graphql(REGISTER, { variables: { input: account } }), 'register');
    const failed = await server.graphql(LOGIN, { variables: { input: { username: account.username, password: wrongPassword } } });
    expect(failed.body.errors?.[0]?.extensions?.['reason']).toBe('BAD_CREDENTIALS');
    const login = payloadOf(await server.graphql(LOGIN, { variables: { input: { username: account.username, password: account.password } } }), 'login');
    const refreshed = payloadOf(await server.graphql(REFRESH, { variables: { refreshToken: login.refreshToken } }), 'refresh');
    // A spent refresh token presented again: the reuse path logs too.
    const reused = await server.graphql(REFRESH, { variables: { refreshToken: login.refreshToken } });
    expect(reused.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    await server.graphql(LOGOUT, { token: refreshed.accessToken, variables: { refreshToken: refreshed.refreshToken } });
    for (const pair of [registered, login, refreshed]) secrets.push(pair.accessToken, pair.refreshToken);

    const written = server.logLines.slice(from).join('');
    expect(written).toContain('"operation":"Logout"');
    for (const secret of secrets) expect(written).not.toContain(secret);
    // Tokens are JWTs: their signature alone would be enough to leak.
    for (const pair of [registered, login, refreshed]) expect(written).not.toContain(pair.accessToken.split('.')[2]);
    expect(written).not.toMatch(/\$2[aby]\$/);
  });
});
