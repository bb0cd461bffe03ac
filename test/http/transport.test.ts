import { databaseKinds } from '../support/databases';
import { LOGIN, LOGOUT, ME, REFRESH, REGISTER } from '../support/documents';
import { type HttpTestServer, payloadOf, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';

// Every test here registers at most two users: the server's database is shared by the file,
// and `register` is limited per IP (all requests come from 127.0.0.1).
describe.each(databaseKinds())('GraphQL over HTTP on %s', (kind) => {
  let server: HttpTestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  it('runs register → login → me → refresh → logout over POST with a Bearer token', async () => {
    const account = newAccount();
    const registered = await server.graphql(REGISTER, { variables: { input: account } });
    expect(registered.status).toBe(200);
    const userId = payloadOf(registered, 'register').user.id;

    const login = payloadOf(await server.graphql(LOGIN, { variables: { input: { username: account.username, password: account.password } } }), 'login');
    expect(login.user.id).toBe(userId);

    const me = await server.graphql(ME, { token: login.accessToken });
    expect(me).toEqual({ status: 200, body: { data: { me: { id: userId, username: account.username } } } });

    const refreshed = payloadOf(await server.graphql(REFRESH, { variables: { refreshToken: login.refreshToken } }), 'refresh');
    expect(refreshed.refreshToken).not.toBe(login.refreshToken);
    expect((await server.graphql(ME, { token: refreshed.accessToken })).body.data).toEqual({ me: { id: userId, username: account.username } });

    const logout = await server.graphql(LOGOUT, { token: refreshed.accessToken, variables: { refreshToken: refreshed.refreshToken } });
    expect(logout.body).toEqual({ data: { logout: true } });

    // The access token presented at logout is revoked; the field fails alone, the request stands.
    const after = await server.graphql(ME, { token: refreshed.accessToken });
    expect(after.status).toBe(200);
    expect(after.body.data).toEqual({ me: null });
    expect(after.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
    const spent = await server.graphql(REFRESH, { variables: { refreshToken: refreshed.refreshToken } });
    expect(spent.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('answers a query sent as GET with the Bearer header', async () => {
    const account = newAccount();
    const { accessToken, user } = payloadOf(await server.graphql(REGISTER, { variables: { input: account } }), 'register');
    const url = `${server.graphqlUrl}?query=${encodeURIComponent(ME)}`;
    // Apollo's CSRF prevention only runs a GET that carries a header no simple (form) request can.
    const response = await fetch(url, { headers: { authorization: `Bearer ${accessToken}`, 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { me: { id: user.id, username: account.username } } });

    const withoutPreflight = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(withoutPreflight.status).toBe(400);
  });

  it('sends no ETag: an answer depends on who asks, and hashing it cost CPU on every request', async () => {
    const { accessToken } = payloadOf(await server.graphql(REGISTER, { variables: { input: newAccount() } }), 'register');
    const get = await fetch(`${server.graphqlUrl}?query=${encodeURIComponent(ME)}`, {
      headers: { authorization: `Bearer ${accessToken}`, 'apollo-require-preflight': 'true' },
    });
    const post = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: ME }),
    });
    expect([get.status, post.status]).toEqual([200, 200]);
    expect([get.headers.get('etag'), post.headers.get('etag')]).toEqual([null, null]);
  });

  it('refuses a body over 100 kB with 413 and runs nothing of it', async () => {
    const account = newAccount('big');
    // An undeclared variable is ignored by GraphQL, so only the size differs from a valid register.
    const body = JSON.stringify({ query: REGISTER, variables: { input: account, padding: 'x'.repeat(110_000) } });
    const response = await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(413);

    // Just under the limit the same register runs; had the big one run, this would get CONFLICT.
    const again = await server.graphql(REGISTER, { variables: { input: account, padding: 'x'.repeat(95_000) } });
    expect(again.status).toBe(200);
    expect(again.body.errors).toBeUndefined();
  });

  it('draws the line at 100 000 bytes, not 100 KiB', async () => {
    const sized = (bytes: number) => {
      const base = JSON.stringify({ query: '{ __typename }', variables: { padding: '' } });
      return JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(bytes - base.length) } });
    };
    const post = (body: string) => fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect((await post(sized(100_000))).status).toBe(200);
    expect((await post(sized(100_001))).status).toBe(413);
  });

  it('refuses malformed JSON with 400', async () => {
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ me { id } }"',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors?: unknown[] }).errors).toHaveLength(1);
  });

  it('answers GET /health with 200 {"status":"ok"} while the database answers', async () => {
    const response = await fetch(`${server.origin}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('serves Apollo Sandbox to a browser outside production', async () => {
    const response = await fetch(server.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('embeddable-sandbox');
    // It opens with the Bearer header in place for a token, and a Login to get one (README: Apollo Sandbox).
    expect(html).toContain('"headers":{"Authorization":"Bearer PASTE_ACCESS_TOKEN_HERE"}');
    expect(html).toContain('mutation Login($input: LoginInput!)');
  });

  // The counterpart of production.test.ts: there the same error must come without one.
  it('adds a stacktrace to a validation error outside production', async () => {
    const result = await server.graphql('{ noSuchField }');
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: expect.any(Array) });
  });
});
