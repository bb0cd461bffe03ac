import jwt from 'jsonwebtoken';
import { databaseKinds } from '../support/databases';
import type { Registered } from '../support/documents';
import { codeAt, enableTotp, loginMfa, mfaPairOf, REAUTHENTICATE, REFRESH_MFA, RESET_MFA, USE_RECOVERY_CODE, VERIFY_TOTP } from '../support/mfa';
import { accessOutcome, expectOnlyError, outcomeOf } from '../support/operations';
import { createTestApp, freshIp, registerAdmin, registerUser, type TestApp } from '../support/test-app';

const claims = (token: string) => jwt.decode(token) as Record<string, unknown>;
/** A six-digit code that is not `code`. */
const other = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/** Every kind of guarded root field, as a pending session would try them. */
const GUARDED: readonly (readonly [string, string, Record<string, unknown>?])[] = [
  ['me', '{ me { id } }'],
  ['user', 'query($id: ID!) { user(id: $id) { id } }', { id: '00000000-0000-4000-8000-000000000000' }],
  ['users', '{ users { totalCount } }'],
  ['logoutAll', 'mutation { logoutAll }'],
  ['changePassword', 'mutation { changePassword(input: { currentPassword: "whatever-it-is", newPassword: "another-long-one" }) { accessToken } }'],
  ['revokeSession', 'mutation { revokeSession(id: "00000000-0000-4000-8000-000000000000") }'],
  ['enrollTotp', 'mutation { enrollTotp { uri } }'],
  ['confirmTotp', 'mutation { confirmTotp(code: "123456") { codes } }'],
  ['disableMfa', 'mutation { disableMfa }'],
  ['regenerateRecoveryCodes', 'mutation { regenerateRecoveryCodes { codes } }'],
  ['reauthenticate', 'mutation { reauthenticate(password: "whatever-it-is") { accessToken } }'],
];

describe.each(databaseKinds())('signing in with a second factor on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  /** A user with TOTP on, logging in from an IP of its own (the limits count per IP). */
  async function mfaUser(): Promise<Registered & { secret: string; codes: string[]; ip: string }> {
    const user = await registerUser(t);
    return { ...user, ...(await enableTotp(t, user)), ip: freshIp() };
  }

  it('login gives a pending pair that shows the user but refuses every other guarded field with MFA_REQUIRED; verifyTotp gives the full pair', async () => {
    const user = await mfaUser();
    const loggedIn = await t.execute('mutation($input: LoginInput!) { login(input: $input) { mfaRequired user { id username role createdAt email } } }', {
      ip: user.ip,
      variables: { input: { username: user.username, password: user.password } },
    });
    expect(loggedIn.data?.['login']).toMatchObject({ mfaRequired: true, user: { id: user.id, username: user.username, role: 'USER', email: null } });
    expectOnlyError(loggedIn, ['login', 'user', 'email'], { code: 'UNAUTHENTICATED', reason: 'MFA_REQUIRED' });

    const pending = mfaPairOf(await loginMfa(t, user, { ip: user.ip }), 'login');
    expect(claims(pending.accessToken)).toMatchObject({ amr: ['pwd'], mfa_pending: true });
    for (const [field, query, variables] of GUARDED) {
      expectOnlyError(await t.execute(query, { token: pending.accessToken, variables }), [field], { code: 'UNAUTHENTICATED', reason: 'MFA_REQUIRED' });
    }

    t.clock.advance(60_000);
    const full = mfaPairOf(await t.execute(VERIFY_TOTP, { token: pending.accessToken, ip: user.ip, variables: { code: codeAt(t, user.secret) } }), 'verifyTotp');
    expect(full).toMatchObject({ mfaRequired: false, user: { id: user.id } });
    expect(claims(full.accessToken)).toMatchObject({ sid: claims(pending.accessToken)['sid'], amr: ['pwd', 'otp'], auth_time: Math.floor(t.clock.now() / 1000) });
    expect(claims(full.accessToken)['mfa_pending']).toBeUndefined();
    expect(await accessOutcome(t, full.accessToken)).toBe('OK');
    // The pending refresh token was replaced by the full pair's.
    expect(outcomeOf(await t.execute(REFRESH_MFA, { variables: { refreshToken: pending.refreshToken } }))).toBe('REFRESH_TOKEN_INVALID');
  });

  it('refuses a TOTP code the second time (replay), and accepts the step on either side but not two away', async () => {
    const user = await mfaUser();
    // Past the step confirmTotp accepted, so that the step before now has not been used.
    t.clock.advance(60_000);
    const first = mfaPairOf(await loginMfa(t, user, { ip: user.ip }), 'login');
    const code = codeAt(t, user.secret, -1);
    expect(outcomeOf(await t.execute(VERIFY_TOTP, { token: first.accessToken, ip: user.ip, variables: { code } }))).toBe('OK');
    const second = mfaPairOf(await loginMfa(t, user, { ip: user.ip }), 'login');
    expectOnlyError(await t.execute(VERIFY_TOTP, { token: second.accessToken, ip: user.ip, variables: { code } }), ['verifyTotp'], { code: 'BAD_USER_INPUT', field: 'code' });
    expect(outcomeOf(await t.execute(VERIFY_TOTP, { token: second.accessToken, ip: user.ip, variables: { code: codeAt(t, user.secret, 2) } }))).toBe('BAD_USER_INPUT');
    expect(outcomeOf(await t.execute(VERIFY_TOTP, { token: second.accessToken, ip: user.ip, variables: { code: codeAt(t, user.secret, 1) } }))).toBe('OK');
  });

  it('accepts one code once even when two sessions send it at the same moment', async () => {
    const user = await mfaUser();
    const [a, b] = [mfaPairOf(await loginMfa(t, user, { ip: user.ip }), 'login'), mfaPairOf(await loginMfa(t, user, { ip: user.ip }), 'login')];
    const code = codeAt(t, user.secret);
    const results = await Promise.all([a, b].map((pair) => t.execute(VERIFY_TOTP, { token: pair.accessToken, ip: user.ip, variables: { code } })));
    expect(results.map(outcomeOf).sort()).toEqual(['BAD_USER_INPUT', 'OK']);
  });

  it('takes a recovery code once, also when it is sent twice at the same moment', async () => {
    const user = await mfaUser();
    const [a, b] = [mfaPairOf(await loginMfa(t, user, { ip: user.ip }), 'login'), mfaPairOf(await loginMfa(t, user, { ip: user.ip }), 'login')];
    const results = await Promise.all([a, b].map((pair) => t.execute(USE_RECOVERY_CODE, { token: pair.accessToken, ip: user.ip, variables: { code: user.codes[0] } })));
    expect(results.map(outcomeOf).sort()).toEqual(['BAD_USER_INPUT', 'OK']);
  });

  it('takes a recovery code once', async () => {
    const user = await mfaUser();
    const first = mfaPairOf(await loginMfa(t, user, { ip: user.ip }), 'login');
    const used = mfaPairOf(await t.execute(USE_RECOVERY_CODE, { token: first.accessToken, ip: user.ip, variables: { code: user.codes[3]!.toUpperCase() } }), 'useRecoveryCode');
    expect(used.mfaRequired).toBe(false);
    const second = mfaPairOf(await loginMfa(t, user, { ip: user.ip }), 'login');
    const again = await t.execute(USE_RECOVERY_CODE, { token: second.accessToken, ip: user.ip, variables: { code: user.codes[3] } });
    expectOnlyError(again, ['useRecoveryCode'], { code: 'BAD_USER_INPUT', field: 'code' });
  });

  it('lets a pending pair log out: its session ends', async () => {
    const user = await mfaUser();
    const pending = mfaPairOf(await loginMfa(t, user, { ip: user.ip }), 'login');
    expect((await t.execute('mutation { logout }', { token: pending.accessToken })).data).toEqual({ logout: true });
    expect(outcomeOf(await t.execute(REFRESH_MFA, { variables: { refreshToken: pending.refreshToken } }))).toBe('REFRESH_TOKEN_INVALID');
  });

  it('keeps a refreshed pending pair pending, with its auth_time', async () => {
    const user = await mfaUser();
    const pending = mfaPairOf(await loginMfa(t, user, { ip: user.ip }), 'login');
    t.clock.advance(5_000);
    const refreshed = mfaPairOf(await t.execute(REFRESH_MFA, { variables: { refreshToken: pending.refreshToken } }), 'refresh');
    expect(refreshed.mfaRequired).toBe(true);
    expect(claims(refreshed.accessToken)).toMatchObject({ mfa_pending: true, auth_time: claims(pending.accessToken)['auth_time'] });
    expect(await accessOutcome(t, refreshed.accessToken)).toBe('MFA_REQUIRED');
  });

  it('counts wrong codes as failed logins: five block the name from that IP as five wrong passwords do, the right password included', async () => {
    const user = await mfaUser();
    const pending = mfaPairOf(await loginMfa(t, user, { ip: user.ip }), 'login');
    const wrong = other(codeAt(t, user.secret));
    for (let i = 0; i < 5; i++) expect(outcomeOf(await t.execute(VERIFY_TOTP, { token: pending.accessToken, ip: user.ip, variables: { code: wrong } }))).toBe('BAD_USER_INPUT');
    expect(outcomeOf(await t.execute(VERIFY_TOTP, { token: pending.accessToken, ip: user.ip, variables: { code: codeAt(t, user.secret) } }))).toBe('RATE_LIMITED');
    expect(outcomeOf(await loginMfa(t, user, { ip: user.ip }))).toBe('RATE_LIMITED');
    expect(outcomeOf(await loginMfa(t, { username: user.email, password: user.password }, { ip: user.ip }))).toBe('RATE_LIMITED');
  });

  it('does not restart the failure count on a correct password alone: four wrong passwords, the right one, then one wrong code block', async () => {
    const user = await mfaUser();
    for (let i = 0; i < 4; i++) expect(outcomeOf(await loginMfa(t, { username: user.username, password: 'wrong-password-here' }, { ip: user.ip }))).toBe('BAD_CREDENTIALS');
    const pending = mfaPairOf(await loginMfa(t, user, { ip: user.ip }), 'login');
    expect(outcomeOf(await t.execute(VERIFY_TOTP, { token: pending.accessToken, ip: user.ip, variables: { code: other(codeAt(t, user.secret)) } }))).toBe('BAD_USER_INPUT');
    expect(outcomeOf(await loginMfa(t, user, { ip: user.ip }))).toBe('RATE_LIMITED');
  });

  it('asks reauthenticate for a code on such an account, and renews auth_time with both', async () => {
    const user = await mfaUser();
    const full = mfaPairOf(await t.execute(VERIFY_TOTP, { token: mfaPairOf(await loginMfa(t, user, { ip: user.ip }), 'login').accessToken, ip: user.ip, variables: { code: codeAt(t, user.secret) } }), 'verifyTotp');
    t.clock.advance(301_000);
    expect(outcomeOf(await t.execute('mutation { disableMfa }', { token: full.accessToken }))).toBe('REAUTHENTICATION_REQUIRED');
    expectOnlyError(await t.execute(REAUTHENTICATE, { token: full.accessToken, ip: user.ip, variables: { password: user.password } }), ['reauthenticate'], { code: 'BAD_USER_INPUT', field: 'code' });
    const renewed = mfaPairOf(await t.execute(REAUTHENTICATE, { token: full.accessToken, ip: user.ip, variables: { password: user.password, code: codeAt(t, user.secret) } }), 'reauthenticate');
    expect(claims(renewed.accessToken)).toMatchObject({ amr: ['pwd', 'otp'], auth_time: Math.floor(t.clock.now() / 1000) });
    expect((await t.execute('mutation { disableMfa }', { token: renewed.accessToken })).data).toEqual({ disableMfa: true });
  });

  it("resetMfa (ADMIN) removes the factor and ends the user's sessions; a USER is FORBIDDEN", async () => {
    const user = await mfaUser();
    const admin = await registerAdmin(t);
    expectOnlyError(await t.execute(RESET_MFA, { token: user.accessToken, variables: { userId: user.id } }), ['resetMfa'], { code: 'FORBIDDEN' });
    const reset = await t.execute(RESET_MFA, { token: admin.accessToken, variables: { userId: user.id } });
    expect(reset.data).toEqual({ resetMfa: { id: user.id, mfaEnabled: false } });
    expect(await accessOutcome(t, user.accessToken)).toBe('TOKEN_REVOKED');
    expect(outcomeOf(await t.execute(REFRESH_MFA, { variables: { refreshToken: user.refreshToken } }))).toBe('REFRESH_TOKEN_INVALID');
    expect(mfaPairOf(await loginMfa(t, user, { ip: user.ip }), 'login').mfaRequired).toBe(false);
  });
});
