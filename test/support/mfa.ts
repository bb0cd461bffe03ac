import { generateSync } from 'otplib';
import type { GraphQLResult, Registered } from './documents';
import type { ExecuteOptions, TestApp } from './test-app';

/** The documents of the second factor, selecting what the tests look at. */
const MFA_PAYLOAD = 'accessToken refreshToken mfaRequired user { id username role createdAt }';
export const ENROLL_TOTP = 'mutation EnrollTotp { enrollTotp { uri secret } }';
export const CONFIRM_TOTP = 'mutation ConfirmTotp($code: String!) { confirmTotp(code: $code) { codes } }';
export const VERIFY_TOTP = `mutation VerifyTotp($code: String!) { verifyTotp(code: $code) { ${MFA_PAYLOAD} } }`;
export const USE_RECOVERY_CODE = `mutation UseRecoveryCode($code: String!) { useRecoveryCode(code: $code) { ${MFA_PAYLOAD} } }`;
export const REAUTHENTICATE = `mutation Reauthenticate($password: String!, $code: String) { reauthenticate(password: $password, code: $code) { ${MFA_PAYLOAD} } }`;
export const LOGIN_MFA = `mutation Login($input: LoginInput!) { login(input: $input) { ${MFA_PAYLOAD} } }`;
export const REFRESH_MFA = `mutation Refresh($refreshToken: String!) { refresh(refreshToken: $refreshToken) { ${MFA_PAYLOAD} } }`;
export const RESET_MFA = 'mutation ResetMfa($userId: ID!) { resetMfa(userId: $userId) { id mfaEnabled } }';

export interface MfaPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly mfaRequired: boolean;
  readonly user: { readonly id: string; readonly username: string; readonly role: string; readonly createdAt: string };
}

/** The TOTP code of `secret` at the test clock's time, moved by `steps` 30-second steps. */
export function codeAt(t: TestApp, secret: string, steps = 0): string {
  return generateSync({ secret, epoch: Math.floor(t.clock.now() / 1000) + steps * 30 });
}

/** The payload of `field`, or a thrown error with the errors (failing the test). */
export function mfaPairOf(result: GraphQLResult, field: string): MfaPair {
  const pair = result.data?.[field] as MfaPair | null | undefined;
  if (!pair) throw new Error(`${field} failed: ${JSON.stringify(result.errors)}`);
  return pair;
}

export function loginMfa(t: TestApp, user: { username: string; password: string }, options: ExecuteOptions = {}): Promise<GraphQLResult> {
  return t.execute(LOGIN_MFA, { ip: '127.0.0.1', ...options, variables: { input: { username: user.username, password: user.password } } });
}

/** Turns the second factor on for a freshly registered user (through the API), leaving the clock on a new step. */
export async function enableTotp(t: TestApp, user: Registered): Promise<{ secret: string; codes: string[] }> {
  const enrolled = (await t.execute(ENROLL_TOTP, { token: user.accessToken })).data?.['enrollTotp'] as { secret: string } | undefined;
  if (!enrolled) throw new Error('enrollTotp failed');
  const confirmed = await t.execute(CONFIRM_TOTP, { token: user.accessToken, variables: { code: codeAt(t, enrolled.secret) } });
  const codes = (confirmed.data?.['confirmTotp'] as { codes: string[] } | undefined)?.codes;
  if (!codes) throw new Error(`confirmTotp failed: ${JSON.stringify(confirmed.errors)}`);
  // The code just given is spent; the next one a test types is of the next step.
  t.clock.advance(30_000);
  return { secret: enrolled.secret, codes };
}
