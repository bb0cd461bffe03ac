import { randomUUID } from 'node:crypto';
import { databaseKinds } from '../support/databases';
import { type GraphQLResult, SET_USER_DISABLED, SET_USER_ROLE, USERS_TOTAL } from '../support/documents';
import { accessOutcome, claimsOf, expectOnlyError, login, newSession, outcomeOf, pairOf, refresh, refreshOutcome } from '../support/operations';
import { createTestApp, registerAdmin, registerUser, type TestApp } from '../support/test-app';

describe.each(databaseKinds())('setUserRole and setUserDisabled on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  const setRole = (userId: string, role: string, token: string): Promise<GraphQLResult> => t.execute(SET_USER_ROLE, { token, variables: { userId, role } });
  const setDisabled = (userId: string, disabled: boolean, token: string): Promise<GraphQLResult> =>
    t.execute(SET_USER_DISABLED, { token, variables: { userId, disabled } });

  it('changes the role and returns the user as the ADMIN sees it', async () => {
    const [admin, user] = [await registerAdmin(t), await registerUser(t)];
    expect(await setRole(user.id, 'ADMIN', admin.accessToken)).toEqual({ data: { setUserRole: { id: user.id, role: 'ADMIN', disabled: false } } });
  });

  it("stops the user's access tokens at once, even those issued in the same second", async () => {
    const [admin, user] = [await registerAdmin(t), await registerUser(t)];
    // No clock advance anywhere here: the tokens share their `iat` second with the change.
    const second = await newSession(t, user);
    expect(outcomeOf(await setRole(user.id, 'ADMIN', admin.accessToken))).toBe('OK');
    expect(await accessOutcome(t, user.accessToken)).toBe('TOKEN_REVOKED');
    expect(await accessOutcome(t, second.accessToken)).toBe('TOKEN_REVOKED');
  });

  it('keeps the sessions: the next refresh carries the new role, and ADMIN fields then open', async () => {
    const [admin, user, other] = [await registerAdmin(t), await registerUser(t), await registerUser(t)];
    expect(outcomeOf(await setRole(user.id, 'ADMIN', admin.accessToken))).toBe('OK');
    const promoted = pairOf(await refresh(t, user.refreshToken), 'refresh');
    expect(claimsOf(promoted.accessToken)).toMatchObject({ sub: user.id, role: 'ADMIN', sid: claimsOf(user.accessToken).sid });

    const result = await t.execute('query($id: ID!) { user(id: $id) { email disabled } }', { token: promoted.accessToken, variables: { id: other.id } });
    expect(result).toEqual({ data: { user: { email: other.email, disabled: false } } });
  });

  it('takes ADMIN fields away from a demoted admin at once', async () => {
    const [admin, demoted] = [await registerAdmin(t), await registerAdmin(t)];
    expect(outcomeOf(await setRole(demoted.id, 'USER', admin.accessToken))).toBe('OK');
    expect(await accessOutcome(t, demoted.accessToken)).toBe('TOKEN_REVOKED');
    const asUser = pairOf(await refresh(t, demoted.refreshToken), 'refresh');
    expect(claimsOf(asUser.accessToken).role).toBe('USER');
    const result = await t.execute(USERS_TOTAL, { token: asUser.accessToken });
    expectOnlyError(result, ['users'], { code: 'FORBIDDEN' });
  });

  it('refuses a USER with FORBIDDEN, changing nothing', async () => {
    const [user, other] = [await registerUser(t), await registerUser(t)];
    const result = await setRole(user.id, 'ADMIN', user.accessToken);
    expect(result.data).toBeNull();
    expectOnlyError(result, ['setUserRole'], { code: 'FORBIDDEN' });
    expectOnlyError(await setDisabled(other.id, true, user.accessToken), ['setUserDisabled'], { code: 'FORBIDDEN' });
    expect(await accessOutcome(t, user.accessToken)).toBe('OK');
    expect(await accessOutcome(t, other.accessToken)).toBe('OK');
  });

  it.each([
    ['an unknown UUID', randomUUID()],
    ['junk', 'not-a-user-id'],
  ])('refuses %s with BAD_USER_INPUT on userId', async (_, id) => {
    const admin = await registerAdmin(t);
    expectOnlyError(await setRole(id, 'ADMIN', admin.accessToken), ['setUserRole'], { code: 'BAD_USER_INPUT', field: 'userId' });
    expectOnlyError(await setDisabled(id, true, admin.accessToken), ['setUserDisabled'], { code: 'BAD_USER_INPUT', field: 'userId' });
  });

  it('disabling stops every token, refresh and login (FORBIDDEN); enabling lets the user log in again', async () => {
    const [admin, user] = [await registerAdmin(t), await registerUser(t)];
    const second = await newSession(t, user);
    expect(await setDisabled(user.id, true, admin.accessToken)).toEqual({ data: { setUserDisabled: { id: user.id, disabled: true } } });
    for (const pair of [user, second]) {
      expect(await accessOutcome(t, pair.accessToken)).toBe('TOKEN_REVOKED');
      expect(await refreshOutcome(t, pair.refreshToken)).toBe('REFRESH_TOKEN_INVALID');
    }
    expect(outcomeOf(await login(t, user.username, user.password))).toBe('FORBIDDEN');

    expect(await setDisabled(user.id, false, admin.accessToken)).toEqual({ data: { setUserDisabled: { id: user.id, disabled: false } } });
    const back = pairOf(await login(t, user.username, user.password), 'login');
    expect(await accessOutcome(t, back.accessToken)).toBe('OK');
  });

  it('disabling one user leaves others alone', async () => {
    const [admin, user, bystander] = [await registerAdmin(t), await registerUser(t), await registerUser(t)];
    expect(outcomeOf(await setDisabled(user.id, true, admin.accessToken))).toBe('OK');
    expect(await accessOutcome(t, bystander.accessToken)).toBe('OK');
    expect(await accessOutcome(t, admin.accessToken)).toBe('OK');
  });
});
