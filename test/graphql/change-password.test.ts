import { databaseKinds } from '../support/databases';
import { CHANGE_PASSWORD, type GraphQLResult, type Registered } from '../support/documents';
import { accessOutcome, claimsOf, expectOnlyError, login, newSession, outcomeOf, pairOf, refreshOutcome } from '../support/operations';
import { createTestApp, registerUser, type TestApp } from '../support/test-app';

/** changePassword reading its payload's user in full, for the test of what that user resolves to. */
const CHANGE_PASSWORD_AND_READ_USER = `mutation($input: ChangePasswordInput!) {
  changePassword(input: $input) { accessToken refreshToken user { id email sessions { id current } } }
}`;

describe.each(databaseKinds())('changePassword on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  function changePassword(user: Registered, currentPassword: string, newPassword: string, token = user.accessToken): Promise<GraphQLResult> {
    return t.execute(CHANGE_PASSWORD, { token, variables: { input: { currentPassword, newPassword } } });
  }

  it('refuses a wrong current password with BAD_USER_INPUT on currentPassword, changing nothing', async () => {
    const user = await registerUser(t);
    const other = await newSession(t, user);
    const result = await changePassword(user, `${user.password}-not`, 'a-brand-new-password');
    expect(result.data).toBeNull();
    expectOnlyError(result, ['changePassword'], { code: 'BAD_USER_INPUT', field: 'currentPassword' });
    expect(outcomeOf(await login(t, user.username, user.password))).toBe('OK');
    expect(await accessOutcome(t, other.accessToken)).toBe('OK');
  });

  it.each([
    ['too short', 'seven77'],
    ['too long', 'p'.repeat(257)],
  ])('refuses a new password %s with BAD_USER_INPUT on newPassword', async (_, newPassword) => {
    const user = await registerUser(t);
    const result = await changePassword(user, user.password, newPassword);
    expectOnlyError(result, ['changePassword'], { code: 'BAD_USER_INPUT', field: 'newPassword' });
    expect(outcomeOf(await login(t, user.username, user.password))).toBe('OK');
  });

  it('returns a working pair for this session, whose payload resolves as the user', async () => {
    const user = await registerUser(t);
    const result = await t.execute(CHANGE_PASSWORD_AND_READ_USER, {
      token: user.accessToken,
      variables: { input: { currentPassword: user.password, newPassword: 'a-brand-new-password' } },
    });
    expect(result.errors).toBeUndefined();
    const payload = result.data?.['changePassword'] as { accessToken: string; refreshToken: string; user: unknown };
    const sessionId = claimsOf(user.accessToken).sid;
    expect(claimsOf(payload.accessToken).sid).toBe(sessionId);
    expect(payload.user).toEqual({ id: user.id, email: user.email, sessions: [{ id: sessionId, current: true }] });
    expect(await accessOutcome(t, payload.accessToken)).toBe('OK');
    expect(await refreshOutcome(t, payload.refreshToken)).toBe('OK');
  });

  it("ends the caller's other sessions, and their tokens", async () => {
    const user = await registerUser(t);
    const [second, third] = [await newSession(t, user), await newSession(t, user)];
    pairOf(await changePassword(user, user.password, 'a-brand-new-password'), 'changePassword');
    for (const pair of [second, third]) {
      expect(await accessOutcome(t, pair.accessToken)).toBe('TOKEN_REVOKED');
      expect(await refreshOutcome(t, pair.refreshToken)).toBe('REFRESH_TOKEN_INVALID');
    }
  });

  it('leaves other users alone', async () => {
    const [user, bystander] = [await registerUser(t), await registerUser(t)];
    pairOf(await changePassword(user, user.password, 'a-brand-new-password'), 'changePassword');
    expect(await accessOutcome(t, bystander.accessToken)).toBe('OK');
    expect(await refreshOutcome(t, bystander.refreshToken)).toBe('OK');
  });

  it('makes the new password the only one that logs in', async () => {
    const user = await registerUser(t);
    pairOf(await changePassword(user, user.password, 'a-brand-new-password'), 'changePassword');
    expect(outcomeOf(await login(t, user.username, user.password))).toBe('BAD_CREDENTIALS');
    expect(outcomeOf(await login(t, user.username, 'a-brand-new-password'))).toBe('OK');
  });

  it('needs a valid access token', async () => {
    const user = await registerUser(t);
    const result = await changePassword(user, user.password, 'a-brand-new-password', 'garbage');
    expectOnlyError(result, ['changePassword'], { code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
    expect(outcomeOf(await login(t, user.username, user.password))).toBe('OK');
  });
});
