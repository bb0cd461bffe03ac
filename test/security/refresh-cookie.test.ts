import { ME, REGISTER } from '../support/documents';
import { type HttpTestServer, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';

const APP = 'http://localhost:5173';
const OTHER = 'https://evil.example';
const COOKIE = '__Host-gatehouse_refresh';
const PAYLOAD = 'accessToken refreshToken refreshTokenExpiresAt user { id }';
const LOGIN = `mutation Login($input: LoginInput!) { login(input: $input) { ${PAYLOAD} } }`;
const REFRESH = `mutation Refresh($refreshToken: String) { refresh(refreshToken: $refreshToken) { ${PAYLOAD} } }`;
const LOGOUT = 'mutation Logout($refreshToken: String) { logout(refreshToken: $refreshToken) }';

interface Payload {
  accessToken: string;
  refreshToken: string | null;
  refreshTokenExpiresAt: string;
  user: { id: string };
}

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: Record<string, Payload & { id: string }> | null; errors?: { extensions?: Record<string, unknown> }[] };
  setCookies: string[];
}

/** A POST as a browser page would send it: its Origin, and the cookie when it holds one. */
async function post(server: HttpTestServer, query: string, options: { origin?: string; cookie?: string; token?: string; variables?: Record<string, unknown> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.origin) headers['origin'] = options.origin;
  if (options.cookie) headers['cookie'] = `${COOKIE}=${options.cookie}`;
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  const response = await fetch(server.graphqlUrl, { method: 'POST', headers, body: JSON.stringify({ query, variables: options.variables }) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'], setCookies: response.headers.getSetCookie() };
}

/** The payload of `name`; fails the test when it is missing. */
function field(answer: Answer, name: string): Payload & { id: string } {
  const value = answer.body.data?.[name];
  if (!value) throw new Error(`${name} failed: ${JSON.stringify(answer.body.errors)}`);
  return value;
}

/** The refresh cookie's value and attributes in an answer; fails the test when there is none. */
function refreshCookie(answer: Answer): { value: string; attributes: string[]; maxAge: number } {
  const cookies = answer.setCookies.filter((line) => line.startsWith(`${COOKIE}=`));
  expect(cookies).toHaveLength(1);
  const [pair, ...attributes] = cookies[0]!.split(';').map((part) => part.trim());
  const maxAge = Number(attributes.find((a) => a.startsWith('Max-Age='))?.slice('Max-Age='.length));
  return { value: pair!.slice(COOKIE.length + 1), attributes, maxAge };
}

async function registerFrom(server: HttpTestServer, origin: string | undefined): Promise<Answer> {
  const account = newAccount('web');
  return post(server, REGISTER.replace('accessToken refreshToken user { id }', PAYLOAD), { origin, variables: { input: account } });
}

describe('web apps (APP_ORIGINS) over HTTP', () => {
  let server: HttpTestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite', { env: { APP_ORIGINS: `${APP}, https://admin.example.com`, REFRESH_TOKEN_TTL: '2h' } });
  });
  afterAll(() => server.close());

  it('answers a listed origin with CORS for exactly that origin, credentials allowed', async () => {
    const answer = await post(server, ME, { origin: APP });
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP);
    expect(answer.headers.get('access-control-allow-credentials')).toBe('true');
    expect(answer.headers.get('vary')?.toLowerCase()).toContain('origin');
  });

  it('gives an unlisted origin, and a request with no Origin, no CORS header', async () => {
    for (const origin of [OTHER, undefined]) {
      const answer = await post(server, ME, { origin });
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('answers a preflight from a listed origin with the methods and headers Apollo Client sends', async () => {
    const response = await fetch(server.graphqlUrl, {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = response.headers.get('access-control-allow-headers')?.split(',').map((h) => h.trim());
    expect(allowed).toEqual(expect.arrayContaining(['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name']));
  });

  it('names no origin in a preflight from an unlisted one', async () => {
    const response = await fetch(server.graphqlUrl, { method: 'OPTIONS', headers: { origin: OTHER, 'access-control-request-method': 'POST' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('keeps Apollo CSRF prevention: a simple-request GET from a listed origin is refused', async () => {
    const response = await fetch(`${server.graphqlUrl}?query=${encodeURIComponent('{ __typename }')}`, { headers: { origin: APP } });
    expect(response.status).toBe(400);
  });

  it('sets the refresh token of a listed origin as a __Host- cookie, never in the body', async () => {
    const registered = await registerFrom(server, APP);
    expect(registered.body.errors).toBeUndefined();
    expect(field(registered, 'register').refreshToken).toBeNull();
    const cookie = refreshCookie(registered);
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie.attributes).toEqual(expect.arrayContaining(['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/']));
    expect(cookie.attributes.some((a) => a.toLowerCase().startsWith('domain'))).toBe(false);
    // Max-Age is what is left of the refresh token's life, as the body's expiry says.
    const remaining = (Date.parse(field(registered, 'register').refreshTokenExpiresAt) - Date.now()) / 1000;
    expect(cookie.maxAge).toBeGreaterThan(remaining - 5);
    expect(cookie.maxAge).toBeLessThanOrEqual(Math.ceil(remaining));
    expect(cookie.maxAge).toBeGreaterThan(7_000);
    expect(JSON.stringify(registered.body)).not.toContain(cookie.value);
  });

  it('refreshes by cookie with no argument, rotating the cookie', async () => {
    const first = refreshCookie(await registerFrom(server, APP)).value;
    const refreshed = await post(server, REFRESH, { origin: APP, cookie: first });
    expect(refreshed.body.errors).toBeUndefined();
    expect(field(refreshed, 'refresh').refreshToken).toBeNull();
    const second = refreshCookie(refreshed).value;
    expect(second).not.toBe(first);
    expect(JSON.stringify(refreshed.body)).not.toContain(second);
    const me = await post(server, ME, { origin: APP, token: field(refreshed, 'refresh').accessToken });
    expect(field(me, 'me').id).toBe(field(refreshed, 'refresh').user.id);
    // The spent cookie is a reuse: the family ends, as for a body token.
    const replay = await post(server, REFRESH, { origin: APP, cookie: first });
    expect(replay.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REFRESH_TOKEN_REUSED' });
  });

  it('refuses a refresh by cookie from an unlisted origin or with no Origin, and spends nothing', async () => {
    const cookie = refreshCookie(await registerFrom(server, APP)).value;
    for (const origin of [OTHER, undefined]) {
      const refused = await post(server, REFRESH, { origin, cookie });
      expect(refused.body.data).toBeNull();
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REFRESH_TOKEN_INVALID' });
      expect(refused.setCookies).toEqual([]);
    }
    // The token was not spent: the app's own origin still refreshes with it.
    const refreshed = await post(server, REFRESH, { origin: APP, cookie });
    expect(refreshed.body.errors).toBeUndefined();
    expect(refreshCookie(refreshed).value).not.toBe(cookie);
  });

  it('refuses a refresh from a listed origin with neither argument nor cookie', async () => {
    const refused = await post(server, REFRESH, { origin: APP });
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REFRESH_TOKEN_INVALID' });
  });

  it('logs out by cookie and clears it', async () => {
    const registered = await registerFrom(server, APP);
    const cookie = refreshCookie(registered).value;
    const logout = await post(server, LOGOUT, { origin: APP, cookie, token: field(registered, 'register').accessToken });
    expect(logout.body).toEqual({ data: { logout: true } });
    const cleared = refreshCookie(logout);
    expect(cleared.value).toBe('');
    expect(cleared.maxAge).toBe(0);
    expect(cleared.attributes).toEqual(expect.arrayContaining(['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/']));
    const after = await post(server, REFRESH, { origin: APP, cookie });
    expect(after.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('clears the cookie at logoutAll too', async () => {
    const registered = await registerFrom(server, APP);
    const logoutAll = await post(server, 'mutation LogoutAll { logoutAll }', { origin: APP, token: field(registered, 'register').accessToken });
    expect(logoutAll.body).toEqual({ data: { logoutAll: true } });
    expect(refreshCookie(logoutAll)).toMatchObject({ value: '', maxAge: 0 });
  });

  it('answers every AuthPayload of a listed origin with refreshToken null (login too)', async () => {
    const account = newAccount('web');
    await post(server, REGISTER, { variables: { input: account } });
    const login = await post(server, LOGIN, { origin: APP, variables: { input: { username: account.username, password: account.password } } });
    expect(field(login, 'login').refreshToken).toBeNull();
    expect(refreshCookie(login).value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('behaves as before for a request with no Origin: the token in the body, no cookie', async () => {
    const registered = await registerFrom(server, undefined);
    const token = field(registered, 'register').refreshToken as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(registered.setCookies).toEqual([]);
    const refreshed = await post(server, REFRESH, { variables: { refreshToken: token } });
    expect(typeof field(refreshed, 'refresh').refreshToken).toBe('string');
    expect(refreshed.setCookies).toEqual([]);
    const logout = await post(server, LOGOUT, { variables: { refreshToken: field(refreshed, 'refresh').refreshToken } });
    expect(logout.body).toEqual({ data: { logout: true } });
    expect(logout.setCookies).toEqual([]);
  });

  it('gives an unlisted origin the token in the body, as before (no cookie for a page it does not trust)', async () => {
    const registered = await registerFrom(server, OTHER);
    expect(typeof field(registered, 'register').refreshToken).toBe('string');
    expect(registered.setCookies).toEqual([]);
  });
});
