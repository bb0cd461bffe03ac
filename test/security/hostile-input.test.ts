import { BcryptPool } from '../../src/auth/passwords/bcrypt-pool';
import { databaseKinds, uniqueName } from '../support/databases';
import { CHANGE_PASSWORD, type HttpResult, LOGIN, REGISTER, REVOKE_SESSION } from '../support/documents';
import { type HttpTestServer, payloadOf, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';
import { freshIp } from '../support/test-app';

const BODY_LIMIT = 100_000;

/** A string of `x` that makes the JSON body of `query` with `variables(filler)` exactly `bytes` long. */
function fillerFor(query: string, variables: (filler: string) => Record<string, unknown>, bytes: number): string {
  const overhead = JSON.stringify({ query, variables: variables('') }).length;
  return 'x'.repeat(bytes - overhead);
}

const extensionsOf = (result: HttpResult) => result.body.errors?.[0]?.extensions;

/** Oversized, malformed and hostile input: refused early, with a clear error, and nothing stored. */
describe.each(databaseKinds())('hostile input on %s', (kind) => {
  let server: HttpTestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => server.close());
  afterEach(() => jest.restoreAllMocks());

  const post = (query: string, variables: Record<string, unknown>, token?: string) =>
    server.graphql(query, { variables, token, headers: { 'x-forwarded-for': freshIp() } });
  const register = (input: Record<string, unknown>) => post(REGISTER, { input });
  const login = (username: string, password: string) => post(LOGIN, { input: { username, password } });

  it('refuses a 1 MB password with 413, running nothing', async () => {
    const hash = jest.spyOn(BcryptPool.prototype, 'hash');
    const compare = jest.spyOn(BcryptPool.prototype, 'compare');
    const account = newAccount('huge');
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: REGISTER, variables: { input: { ...account, password: 'p'.repeat(1_000_000) } } }),
    });
    expect(response.status).toBe(413);
    expect(hash).not.toHaveBeenCalled();
    expect(compare).not.toHaveBeenCalled();
  });

  it.each(['register', 'login', 'changePassword'] as const)(
    'refuses in %s a password as large as the body limit allows, with BAD_USER_INPUT, before any hashing',
    async (operation) => {
      const account = newAccount('big');
      const { accessToken } = payloadOf(await register(account), 'register');
      const hash = jest.spyOn(BcryptPool.prototype, 'hash');
      const compare = jest.spyOn(BcryptPool.prototype, 'compare');
      const [query, variables, field] =
        operation === 'register'
          ? [REGISTER, (p: string) => ({ input: { ...newAccount('big'), password: p } }), 'password']
          : operation === 'login'
            ? [LOGIN, (p: string) => ({ input: { username: account.username, password: p } }), 'password']
            : [CHANGE_PASSWORD, (p: string) => ({ input: { currentPassword: p, newPassword: 'a-new-password' } }), 'currentPassword'];
      const password = fillerFor(query, variables, BODY_LIMIT);
      expect(password.length).toBeGreaterThan(99_000);
      const result = await post(query, variables(password), accessToken);
      expect(result.status).toBe(200);
      expect(extensionsOf(result)).toEqual({ code: 'BAD_USER_INPUT', field });
      expect(hash).not.toHaveBeenCalled();
      expect(compare).not.toHaveBeenCalled();
    },
  );

  it('refuses a username or email as large as fits, in register and login, before any lookup is worth making', async () => {
    const big = fillerFor(REGISTER, (f) => ({ input: { ...newAccount('x'), username: f } }), BODY_LIMIT);
    expect(extensionsOf(await register({ ...newAccount('x'), username: big }))).toEqual({ code: 'BAD_USER_INPUT', field: 'username' });
    expect(extensionsOf(await register({ ...newAccount('x'), email: `${big.slice(20)}@example.com` }))).toEqual({ code: 'BAD_USER_INPUT', field: 'email' });
    expect(extensionsOf(await login(big, 'a-password'))).toEqual({ code: 'BAD_USER_INPUT', field: 'username' });
  });

  it.each([
    ['NUL', '\u0000'],
    ['BEL', '\u0007'],
    ['a newline', '\n'],
    ['DEL', '\u007f'],
    ['a C1 control (NEL)', '\u0085'],
  ])('refuses %s in every string input with BAD_USER_INPUT naming the field, storing nothing', async (_, control) => {
    const account = newAccount('ctl');
    for (const field of ['username', 'email', 'password'] as const) {
      const value = field === 'email' ? `a${control}${account.email}` : `${account[field]}${control}x`;
      const result = await register({ ...account, [field]: value });
      expect(extensionsOf(result)).toEqual({ code: 'BAD_USER_INPUT', field });
    }
    expect(extensionsOf(await login(`${account.username}${control}`, account.password))).toEqual({ code: 'BAD_USER_INPUT', field: 'username' });
    expect(extensionsOf(await login(account.username, `${account.password}${control}`))).toEqual({ code: 'BAD_USER_INPUT', field: 'password' });
    // None of the registrations happened: the clean account is still free.
    expect(extensionsOf(await register(account))).toBeUndefined();
  });

  it('refuses a password with a lone surrogate, which would hash like U+FFFD', async () => {
    expect(extensionsOf(await register({ ...newAccount('sur'), password: 'password\ud800x' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'password' });
  });

  it('refuses look-alike usernames outside ASCII (Cyrillic а, fullwidth ａ, a combining accent)', async () => {
    for (const username of ['\u0430dmin_' + uniqueName('h').slice(-6), '\uff41dmin_x', 'admine\u0301_x']) {
      expect(extensionsOf(await register({ ...newAccount('homo'), username }))).toEqual({ code: 'BAD_USER_INPUT', field: 'username' });
    }
  });

  it('matches a login name in ASCII only: the Kelvin sign is not K, and no other Unicode folding opens an account', async () => {
    const account = { ...newAccount('kelvin'), username: `kate_${uniqueName('k').slice(-8)}` };
    payloadOf(await register(account), 'register');
    expect(extensionsOf(await login(account.username.toUpperCase(), account.password))).toBeUndefined();
    for (const lookalike of [`\u212Aate${account.username.slice(4)}`, `\u212A${account.username.slice(1).toUpperCase()}`]) {
      expect(extensionsOf(await login(lookalike, account.password))).toEqual({ code: 'UNAUTHENTICATED', reason: 'BAD_CREDENTIALS' });
    }
  });

  it('keeps an email exactly as given: no dot, plus-tag or case folding beyond case-insensitive uniqueness', async () => {
    const local = uniqueName('First.Last');
    const account = { ...newAccount('mail'), email: `${local}+tag@Example.COM` };
    const registered = payloadOf(await register(account), 'register');
    const me = await server.graphql('{ me { email } }', { token: registered.accessToken });
    expect(me.body.data).toEqual({ me: { email: account.email } });
    // Another address to any mail provider's normalisation, so another account here.
    expect(extensionsOf(await register({ ...newAccount('mail'), email: `${local.replace('.', '')}@example.com` }))).toBeUndefined();
    expect(extensionsOf(await register({ ...newAccount('mail'), email: `${local}@example.com` }))).toBeUndefined();
    // Only case is folded, for uniqueness.
    expect(extensionsOf(await register({ ...newAccount('mail'), email: account.email.toLowerCase() }))).toEqual({ code: 'CONFLICT', field: 'email' });
  });

  it.each([
    ['a number for a password', { username: 'someone', password: 12345678 }],
    ['a missing password', { username: 'someone' }],
    ['an extra field', { username: 'someone', password: 'a-password', role: 'ADMIN' }],
    ['an object for a username', { username: { $ne: '' }, password: 'a-password' }],
  ])('refuses %s in the variables with 400 BAD_USER_INPUT, running nothing', async (_, input) => {
    const compare = jest.spyOn(BcryptPool.prototype, 'compare');
    const result = await post(LOGIN, { input });
    expect(result.status).toBe(400);
    expect(extensionsOf(result)?.['code']).toBe('BAD_USER_INPUT');
    expect(result.body.data).toBeUndefined();
    expect(compare).not.toHaveBeenCalled();
  });

  it.each([
    ['not JSON', '{"query": "{ me { id } }"'],
    ['JSON that is not an operation', '"just a string"'],
    ['variables that are not an object', JSON.stringify({ query: LOGIN, variables: 'x' })],
    ['a query that is not a string', JSON.stringify({ query: { kind: 'Document' } })],
  ])('answers %s with 400 and one error', async (_, body) => {
    const response = await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors?: unknown[] }).errors).toHaveLength(1);
  });

  it('answers an id that is no id (quotes, SQL, NUL) as one that names nothing, never as a database error', async () => {
    const user = payloadOf(await register(newAccount('ids')), 'register');
    const result = await post(REVOKE_SESSION, { id: "1' OR '1'='1\u0000" }, user.accessToken);
    expect(result.body).toEqual({ data: { revokeSession: false } });
  });
});
