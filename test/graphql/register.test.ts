import { databaseKinds, uniqueName } from '../support/databases';
import type { GraphQLResult } from '../support/documents';
import { expectOnlyError, login, outcomeOf } from '../support/operations';
import { createTestApp, freshIp, registerUser, type TestApp } from '../support/test-app';

/** register reading its payload's user in full: whose the payload is, and that its session is the current one. */
const REGISTER_AND_READ_USER = `mutation($input: RegisterInput!) {
  register(input: $input) { accessToken user { id username email role sessions { current } } }
}`;

describe.each(databaseKinds())('register on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  function fresh(overrides: Partial<{ username: string; email: string; password: string }> = {}) {
    const username = uniqueName('reg');
    return { username, email: `${username}@example.com`, password: 'a-good-password', ...overrides };
  }

  // Each from an IP of its own: these tests are not about the per-IP limit (test/security/ is).
  function register(input: { username: string; email: string; password: string }, token?: string): Promise<GraphQLResult> {
    return t.execute(REGISTER_AND_READ_USER, { variables: { input }, token, ip: freshIp() });
  }

  it.each([
    ['username', 'too short', { username: 'ab' }],
    ['username', 'too long', { username: 'a'.repeat(33) }],
    ['username', 'containing a space', { username: 'has space' }],
    ['username', 'containing a non-ASCII letter', { username: 'jürgen' }],
    ['email', 'not an address', { email: 'not-an-email' }],
    ['email', 'over 254 characters', { email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com` }],
    ['password', '7 characters long', { password: 'seven77' }],
    ['password', '257 characters long', { password: 'p'.repeat(257) }],
  ])('refuses an input whose %s is %s, with BAD_USER_INPUT naming the field', async (field, _, overrides) => {
    const input = fresh(overrides);
    const result = await register(input);
    expect(result.data).toBeNull();
    expectOnlyError(result, ['register'], { code: 'BAD_USER_INPUT', field });
    // Nothing was stored: the account cannot log in.
    expect(outcomeOf(await login(t, input.username, input.password))).toBe('BAD_CREDENTIALS');
  });

  it('accepts the limits: 3 and 32 character usernames, 8 and 256 character passwords', async () => {
    const short = fresh({ username: uniqueName('x').slice(-3), password: '8chars!!' });
    const long = fresh({ username: uniqueName('long').padEnd(32, '_'), password: '€'.repeat(256) });
    expect(outcomeOf(await register(short))).toBe('OK');
    expect(outcomeOf(await register(long))).toBe('OK');
    expect(outcomeOf(await login(t, long.username, long.password))).toBe('OK');
  });

  it('refuses a username taken in another case with CONFLICT on username', async () => {
    const first = fresh({ username: uniqueName('Alice') });
    expect(outcomeOf(await register(first))).toBe('OK');
    const result = await register(fresh({ username: first.username.toLowerCase() }));
    expect(result.data).toBeNull();
    expectOnlyError(result, ['register'], { code: 'CONFLICT', field: 'username' });
  });

  it('refuses an email taken in another case with CONFLICT on email', async () => {
    const first = fresh();
    const email = `${uniqueName('A')}@X.example.com`;
    expect(outcomeOf(await register({ ...first, email }))).toBe('OK');
    const result = await register(fresh({ email: email.toLowerCase() }));
    expectOnlyError(result, ['register'], { code: 'CONFLICT', field: 'email' });
  });

  it('lets exactly one of 10 parallel registrations of one username win; the rest get CONFLICT', async () => {
    const name = uniqueName('Race');
    const inputs = Array.from({ length: 10 }, (_, i) =>
      fresh({ username: i % 2 === 0 ? name : name.toUpperCase(), email: `${name}-${i}@example.com` }),
    );
    const results = await Promise.all(inputs.map((input) => register(input)));
    const outcomes = results.map(outcomeOf).sort();
    expect(outcomes).toEqual([...Array<string>(9).fill('CONFLICT'), 'OK']);
    for (const failed of results.filter((r) => r.errors)) expect(failed.errors?.[0]?.extensions?.['field']).toBe('username');
    // The winner was committed: it logs in.
    const winner = inputs[results.findIndex((r) => !r.errors)]!;
    expect(outcomeOf(await login(t, winner.username, winner.password))).toBe('OK');
  });

  it('always creates a USER, and the payload resolves as that user without a Bearer', async () => {
    const input = fresh();
    const result = await register(input);
    expect(result.errors).toBeUndefined();
    expect(result.data?.['register']).toMatchObject({
      user: { username: input.username, email: input.email, role: 'USER', sessions: [{ current: true }] },
    });
  });

  it("resolves the payload as the new user even when another user's Bearer is sent", async () => {
    const other = await registerUser(t);
    const input = fresh();
    const result = await register(input, other.accessToken);
    expect(result.errors).toBeUndefined();
    expect(result.data?.['register']).toMatchObject({ user: { username: input.username, email: input.email, sessions: [{ current: true }] } });
  });

  it('refuses a role in the input: the schema has no such field', async () => {
    const result = await t.execute('mutation { register(input: { username: "sneaky_admin", email: "s@example.com", password: "a-good-password", role: ADMIN }) { accessToken } }');
    expect(result.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(outcomeOf(await login(t, 'sneaky_admin', 'a-good-password'))).toBe('BAD_CREDENTIALS');
  });
});
