import { databaseKinds } from '../support/databases';
import { LOGOUT, LOGOUT_ALL } from '../support/documents';
import { accessOutcome, expectOnlyError, login, newSession, outcomeOf, refreshOutcome } from '../support/operations';
import { createTestApp, registerUser, type TestApp } from '../support/test-app';

describe.each(databaseKinds())('logout and logoutAll on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  const logout = (refreshToken: string | undefined, accessToken?: string) =>
    t.execute(LOGOUT, { token: accessToken, variables: { refreshToken } });

  it("ends the refresh token's session and revokes the access token presented", async () => {
    const user = await registerUser(t);
    expect(await logout(user.refreshToken, user.accessToken)).toEqual({ data: { logout: true } });
    expect(await refreshOutcome(t, user.refreshToken)).toBe('REFRESH_TOKEN_INVALID');
    expect(await accessOutcome(t, user.accessToken)).toBe('TOKEN_REVOKED');
  });

  it('ends the session of a refresh token given without a Bearer, and its access tokens with it', async () => {
    const user = await registerUser(t);
    expect(await logout(user.refreshToken)).toEqual({ data: { logout: true } });
    expect(await refreshOutcome(t, user.refreshToken)).toBe('REFRESH_TOKEN_INVALID');
    expect(await accessOutcome(t, user.accessToken)).toBe('TOKEN_REVOKED');
  });

  it("ends the Bearer's session when no refresh token is given", async () => {
    const user = await registerUser(t);
    expect(await logout(undefined, user.accessToken)).toEqual({ data: { logout: true } });
    expect(await accessOutcome(t, user.accessToken)).toBe('TOKEN_REVOKED');
    expect(await refreshOutcome(t, user.refreshToken)).toBe('REFRESH_TOKEN_INVALID');
  });

  it("leaves the user's other sessions alone", async () => {
    const user = await registerUser(t);
    const other = await newSession(t, user);
    expect(await logout(user.refreshToken, user.accessToken)).toEqual({ data: { logout: true } });
    expect(await accessOutcome(t, other.accessToken)).toBe('OK');
    expect(await refreshOutcome(t, other.refreshToken)).toBe('OK');
  });

  it('is idempotent: a second logout, an unknown token and no token at all are all true', async () => {
    const user = await registerUser(t);
    expect(await logout(user.refreshToken, user.accessToken)).toEqual({ data: { logout: true } });
    expect(await logout(user.refreshToken, user.accessToken)).toEqual({ data: { logout: true } });
    expect(await logout('an-unknown-refresh-token')).toEqual({ data: { logout: true } });
    expect(await logout('z'.repeat(10_000), 'garbage')).toEqual({ data: { logout: true } });
    expect(await logout(undefined)).toEqual({ data: { logout: true } });
  });

  it('logoutAll ends every session and access token of the caller, and no one else’s', async () => {
    const [user, bystander] = [await registerUser(t), await registerUser(t)];
    const second = await newSession(t, user);
    const result = await t.execute(LOGOUT_ALL, { token: user.accessToken });
    expect(result).toEqual({ data: { logoutAll: true } });

    for (const pair of [user, second]) {
      expect(await accessOutcome(t, pair.accessToken)).toBe('TOKEN_REVOKED');
      expect(await refreshOutcome(t, pair.refreshToken)).toBe('REFRESH_TOKEN_INVALID');
    }
    expect(await accessOutcome(t, bystander.accessToken)).toBe('OK');
    expect(await refreshOutcome(t, bystander.refreshToken)).toBe('OK');
  });

  it('logoutAll does not stop tokens issued after it, even in the same second', async () => {
    const user = await registerUser(t);
    expect(await t.execute(LOGOUT_ALL, { token: user.accessToken })).toEqual({ data: { logoutAll: true } });
    const fresh = await newSession(t, user);
    expect(await accessOutcome(t, fresh.accessToken)).toBe('OK');
    expect(await refreshOutcome(t, fresh.refreshToken)).toBe('OK');
  });

  it('logoutAll needs a valid access token', async () => {
    const result = await t.execute(LOGOUT_ALL);
    expect(result.data).toBeNull();
    expectOnlyError(result, ['logoutAll'], { code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' });
    // The same anonymous client can still log in.
    const user = await registerUser(t);
    expect(outcomeOf(await login(t, user.username, user.password))).toBe('OK');
  });
});
