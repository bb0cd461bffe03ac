import jwt from 'jsonwebtoken';
import { uniqueName } from './databases';
import { type Account, type AuthPayload, type ErrorPath, type GraphQLResult, LOGIN, ME, REFRESH, type Registered } from './documents';
import type { ExecuteOptions, TestApp } from './test-app';

/** Operations and checks shared by the tests, on the documents of ./documents. */

/** Register input for a user no other test has: its password is known, so tests can log in with it or look for it. */
export function newAccount(prefix = 'user'): Account {
  const username = uniqueName(prefix);
  return { username, email: `${username}@example.com`, password: `pw-${username}-long` };
}

export function login(t: TestApp, username: string, password: string, options: ExecuteOptions = {}): Promise<GraphQLResult> {
  return t.execute(LOGIN, { ...options, variables: { input: { username, password } } });
}

export function refresh(t: TestApp, refreshToken: string, options: ExecuteOptions = {}): Promise<GraphQLResult> {
  return t.execute(REFRESH, { ...options, variables: { refreshToken } });
}

/** The payload a mutation returned under `field`; throws with the errors (failing the test) when there is none. */
export function pairOf(result: GraphQLResult, field: string): AuthPayload {
  const pair = result.data?.[field] as AuthPayload | null | undefined;
  if (!pair) throw new Error(`${field} failed: ${JSON.stringify(result.errors)}`);
  return pair;
}

/** Logs `user` in once more: a session of its own beside the one register opened. */
export async function newSession(t: TestApp, user: Registered): Promise<AuthPayload> {
  return pairOf(await login(t, user.username, user.password), 'login');
}

/** 'OK' without errors, else each error's reason (or code when it has none), comma-separated. */
export function outcomeOf(result: GraphQLResult): string {
  if (!result.errors) return 'OK';
  return result.errors.map((e) => String(e.extensions?.['reason'] ?? e.extensions?.['code'])).join(',');
}

/** Whether an access token still opens a guarded field: 'OK' or why not. */
export async function accessOutcome(t: TestApp, accessToken: string): Promise<string> {
  return outcomeOf(await t.execute(ME, { token: accessToken }));
}

/** Whether a refresh token still rotates: 'OK' (and it is spent) or why not. */
export async function refreshOutcome(t: TestApp, refreshToken: string): Promise<string> {
  return outcomeOf(await refresh(t, refreshToken));
}

/** Exactly one error, at `path`, with these `extensions` (code and reason or field). */
export function expectOnlyError(result: GraphQLResult, path: ErrorPath, extensions: Record<string, unknown>): void {
  expect(result.errors).toHaveLength(1);
  expect(result.errors?.[0]).toMatchObject({ path, extensions });
}

/** The claims of an access token, read without verifying (the service verifies; tests only look). */
export function claimsOf(accessToken: string): { sub: string; sid: string; role: string; exp: number } {
  return jwt.decode(accessToken) as { sub: string; sid: string; role: string; exp: number };
}
