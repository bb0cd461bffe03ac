import { databaseKinds } from '../support/databases';
import { codeAt, CONFIRM_TOTP, ENROLL_TOTP, enableTotp, loginMfa, mfaPairOf, REAUTHENTICATE } from '../support/mfa';
import { accessOutcome, expectOnlyError, newSession, refreshOutcome } from '../support/operations';
import { createTestApp, registerUser, type TestApp } from '../support/test-app';

const MFA_ENABLED = 'query MfaEnabled { me { mfaEnabled } }';
const REGENERATE = 'mutation RegenerateRecoveryCodes { regenerateRecoveryCodes { codes } }';
const DISABLE = 'mutation DisableMfa { disableMfa }';

describe.each(databaseKinds())('enrolling a second factor on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  it('changes nothing until confirmTotp gets a current code: a wrong one is BAD_USER_INPUT on code', async () => {
    const user = await registerUser(t);
    const enrolled = (await t.execute(ENROLL_TOTP, { token: user.accessToken })).data?.['enrollTotp'] as { uri: string; secret: string };
    expect(enrolled.uri).toMatch(new RegExp(`^otpauth://totp/gatehouse:${user.username}\\?secret=${enrolled.secret}&`));
    expect(enrolled.secret).toMatch(/^[A-Z2-7]{32}$/);
    // Enrolled but unconfirmed: login is a full sign-in still.
    expect(mfaPairOf(await loginMfa(t, user), 'login').mfaRequired).toBe(false);
    const wrong = String((Number(codeAt(t, enrolled.secret)) + 1) % 1_000_000).padStart(6, '0');
    expectOnlyError(await t.execute(CONFIRM_TOTP, { token: user.accessToken, variables: { code: wrong } }), ['confirmTotp'], { code: 'BAD_USER_INPUT', field: 'code' });
    expect((await t.execute(MFA_ENABLED, { token: user.accessToken })).data).toEqual({ me: { mfaEnabled: false } });
  });

  it('with a current code turns the factor on, returns ten distinct recovery codes, and ends every other session', async () => {
    const user = await registerUser(t);
    const other = await newSession(t, user);
    const { codes } = await enableTotp(t, user);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect((await t.execute(MFA_ENABLED, { token: user.accessToken })).data).toEqual({ me: { mfaEnabled: true } });
    expect(await accessOutcome(t, other.accessToken)).toBe('TOKEN_REVOKED');
    expect(await refreshOutcome(t, other.refreshToken)).toBe('REFRESH_TOKEN_INVALID');
    // The caller's session goes on, and from now on login asks for the code.
    expect(await accessOutcome(t, user.accessToken)).toBe('OK');
    expect(mfaPairOf(await loginMfa(t, user), 'login').mfaRequired).toBe(true);
  });

  it('needs a recent sign-in: refused after 300 s (REAUTHENTICATION_REQUIRED), admitted after reauthenticate', async () => {
    const user = await registerUser(t);
    t.clock.advance(301_000);
    expectOnlyError(await t.execute(ENROLL_TOTP, { token: user.accessToken }), ['enrollTotp'], { code: 'UNAUTHENTICATED', reason: 'REAUTHENTICATION_REQUIRED' });
    const wrong = await t.execute(REAUTHENTICATE, { token: user.accessToken, variables: { password: 'not-the-password' } });
    expectOnlyError(wrong, ['reauthenticate'], { code: 'BAD_USER_INPUT', field: 'password' });
    const again = mfaPairOf(await t.execute(REAUTHENTICATE, { token: user.accessToken, variables: { password: user.password } }), 'reauthenticate');
    expect((await t.execute(ENROLL_TOTP, { token: again.accessToken })).errors).toBeUndefined();
  });

  it('regenerateRecoveryCodes voids the earlier codes; disableMfa turns the factor off', async () => {
    const user = await registerUser(t);
    const { codes } = await enableTotp(t, user);
    const fresh = (await t.execute(REGENERATE, { token: user.accessToken })).data?.['regenerateRecoveryCodes'] as { codes: string[] };
    expect(fresh.codes.filter((code) => codes.includes(code))).toEqual([]);
    const pending = mfaPairOf(await loginMfa(t, user), 'login');
    const old = await t.execute('mutation($code: String!) { useRecoveryCode(code: $code) { mfaRequired } }', { token: pending.accessToken, variables: { code: codes[0] } });
    expectOnlyError(old, ['useRecoveryCode'], { code: 'BAD_USER_INPUT', field: 'code' });
    expect((await t.execute(DISABLE, { token: user.accessToken })).data).toEqual({ disableMfa: true });
    expect(mfaPairOf(await loginMfa(t, user), 'login').mfaRequired).toBe(false);
  });
});
