import { databaseKinds, uniqueName } from '../support/databases';
import { accessOutcome, claimsOf, expectOnlyError, login, outcomeOf, pairOf } from '../support/operations';
import { createTestApp, registerUser, type TestApp } from '../support/test-app';

describe.each(databaseKinds())('login on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  it('logs in by username or by email, whatever their case', async () => {
    const user = await registerUser(t);
    for (const name of [user.username, user.username.toUpperCase(), user.email, user.email.toUpperCase()]) {
      const pair = pairOf(await login(t, name, user.password), 'login');
      expect(claimsOf(pair.accessToken).sub).toBe(user.id);
      expect(await accessOutcome(t, pair.accessToken)).toBe('OK');
    }
  });

  it('gives a wrong password and an unknown user the very same error', async () => {
    const user = await registerUser(t);
    const wrongPassword = await login(t, user.username, `${user.password}-not`);
    const unknownUser = await login(t, uniqueName('nobody'), user.password);
    const unknownEmail = await login(t, `${uniqueName('nobody')}@example.com`, user.password);
    expect(wrongPassword.data).toBeNull();
    expectOnlyError(wrongPassword, ['login'], { code: 'UNAUTHENTICATED', reason: 'BAD_CREDENTIALS' });
    expect(unknownUser).toEqual(wrongPassword);
    expect(unknownEmail).toEqual(wrongPassword);
  });

  it('does not let a password that differs only in case log in', async () => {
    const user = await registerUser(t);
    expect(outcomeOf(await login(t, user.username, user.password.toUpperCase()))).toBe('BAD_CREDENTIALS');
  });

  it('tells a disabled account FORBIDDEN only after a correct password', async () => {
    const user = await registerUser(t);
    await t.app.services.users.setDisabled(user.id, true);
    expect(outcomeOf(await login(t, user.username, `${user.password}-not`))).toBe('BAD_CREDENTIALS');
    const right = await login(t, user.username, user.password);
    expect(right.data).toBeNull();
    expectOnlyError(right, ['login'], { code: 'FORBIDDEN' });
  });

  it('returns a pair whose expiries follow the configured lifetimes', async () => {
    const user = await registerUser(t);
    const now = t.clock.now();
    const result = await t.execute('mutation($input: LoginInput!) { login(input: $input) { accessToken accessTokenExpiresAt refreshTokenExpiresAt } }', {
      variables: { input: { username: user.username, password: user.password } },
    });
    expect(result.errors).toBeUndefined();
    const payload = result.data?.['login'] as { accessToken: string; accessTokenExpiresAt: string; refreshTokenExpiresAt: string };
    // Access tokens carry whole seconds (JWT `exp`); refresh tokens keep the milliseconds.
    const accessExpiry = (Math.floor(now / 1000) + 15 * 60) * 1000;
    expect(payload.accessTokenExpiresAt).toBe(new Date(accessExpiry).toISOString());
    expect(claimsOf(payload.accessToken).exp * 1000).toBe(accessExpiry);
    expect(payload.refreshTokenExpiresAt).toBe(new Date(now + 30 * 24 * 3600 * 1000).toISOString());
  });

  it('resolves each payload of one request as its own user: a login beside a refresh', async () => {
    // One login per request (test/security/ shows more are refused), so the second payload is a refresh.
    const [first, second] = [await registerUser(t), await registerUser(t)];
    const result = await t.execute(
      `mutation($input: LoginInput!, $refreshToken: String!) {
        a: login(input: $input) { user { id email } }
        b: refresh(refreshToken: $refreshToken) { user { id email } }
      }`,
      { variables: { input: { username: first.username, password: first.password }, refreshToken: second.refreshToken } },
    );
    expect(result).toEqual({ data: { a: { user: { id: first.id, email: first.email } }, b: { user: { id: second.id, email: second.email } } } });
  });

  it("resolves the payload's user, email and sessions without a Bearer; the new session is current", async () => {
    const user = await registerUser(t);
    // A later instant, so that the new session sorts first (newest first) on its own merit.
    t.clock.advance(1000);
    const result = await t.execute(
      'mutation($input: LoginInput!) { login(input: $input) { accessToken user { email sessions { id current } } } }',
      { variables: { input: { username: user.username, password: user.password } } },
    );
    expect(result.errors).toBeUndefined();
    const payload = result.data?.['login'] as { accessToken: string; user: unknown };
    expect(payload.user).toEqual({
      email: user.email,
      sessions: [
        { id: claimsOf(payload.accessToken).sid, current: true },
        { id: claimsOf(user.accessToken).sid, current: false },
      ],
    });
  });
});
