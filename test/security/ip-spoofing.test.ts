import { databaseKinds } from '../support/databases';
import { type HttpResult, LOGIN, MY_SESSIONS, REGISTER } from '../support/documents';
import { type HttpTestServer, payloadOf, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';
import { freshIp } from '../support/test-app';

const codeOf = (result: HttpResult) => String(result.body.errors?.[0]?.extensions?.['code'] ?? 'OK');

/**
 * X-Forwarded-For is whatever the client wrote. Without TRUST_PROXY the server must ignore it,
 * or an attacker gets a fresh IP, and fresh limits, with every request.
 */
describe.each(databaseKinds())('X-Forwarded-For without TRUST_PROXY on %s', (kind) => {
  let server: HttpTestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  it('does not dodge the login limit: a new X-Forwarded-For per guess, still blocked at the 6th', async () => {
    const account = newAccount('spoof');
    payloadOf(await server.graphql(REGISTER, { variables: { input: account } }), 'register');
    const guess = (password: string) =>
      server.graphql(LOGIN, { variables: { input: { username: account.username, password } }, headers: { 'x-forwarded-for': freshIp() } });
    for (let i = 0; i < 5; i++) expect(codeOf(await guess(`wrong-${i}`))).toBe('UNAUTHENTICATED');
    expect(codeOf(await guess(account.password))).toBe('RATE_LIMITED');
  });

  it('does not dodge the register limit, and records the socket address, not the header', async () => {
    // 11 registrations, each claiming an IP of its own: honoured, all would pass.
    const results: HttpResult[] = [];
    for (let i = 0; i < 11; i++) {
      results.push(await server.graphql(REGISTER, { variables: { input: newAccount('spoofreg') }, headers: { 'x-forwarded-for': freshIp() } }));
    }
    const codes = results.map(codeOf);
    expect(codes.filter((code) => code === 'OK').length).toBeLessThanOrEqual(10);
    expect(codes.at(-1)).toBe('RATE_LIMITED');
    const sessions = await server.graphql(MY_SESSIONS, { token: payloadOf(results[0]!, 'register').accessToken });
    expect(sessions.body.data).toMatchObject({ me: { sessions: [{ ip: '127.0.0.1', current: true }] } });
  });
});

describe.each(databaseKinds())('X-Forwarded-For with TRUST_PROXY=loopback on %s', (kind) => {
  let server: HttpTestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => server.close());

  it('counts per forwarded client: a blocked client does not block the next one behind the same proxy', async () => {
    const account = newAccount('proxied');
    const [attacker, owner] = [freshIp(), freshIp()];
    const registered = payloadOf(await server.graphql(REGISTER, { variables: { input: account }, headers: { 'x-forwarded-for': owner } }), 'register');
    const from = (ip: string, password: string) =>
      server.graphql(LOGIN, { variables: { input: { username: account.username, password } }, headers: { 'x-forwarded-for': ip } });
    for (let i = 0; i < 5; i++) expect(codeOf(await from(attacker, `wrong-${i}`))).toBe('UNAUTHENTICATED');
    expect(codeOf(await from(attacker, account.password))).toBe('RATE_LIMITED');
    expect(codeOf(await from(owner, account.password))).toBe('OK');
    const sessions = await server.graphql(MY_SESSIONS, { token: registered.accessToken });
    expect(sessions.body.data).toMatchObject({ me: { sessions: expect.arrayContaining([expect.objectContaining({ ip: owner, current: true })]) } });
  });

  it('takes the address the trusted proxy saw, not one the client prepended', async () => {
    const account = newAccount('prepended');
    const real = freshIp();
    const registered = payloadOf(
      await server.graphql(REGISTER, { variables: { input: account }, headers: { 'x-forwarded-for': `${freshIp()}, ${real}` } }),
      'register',
    );
    expect((await server.graphql(MY_SESSIONS, { token: registered.accessToken })).body.data).toMatchObject({ me: { sessions: [{ ip: real, current: true }] } });
  });
});
