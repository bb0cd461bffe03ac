import { eq } from 'drizzle-orm';
import { users } from '../../src/db/schema';
import { LOGIN, REGISTER, type TokenPair } from './documents';
import { type HttpTestServer, payloadOf } from './http-server';
import { newAccount } from './operations';

/** An ADMIN on a started server (made in the database, as ADMIN_* or the CLI would), freshly logged in. */
export async function adminOver(server: HttpTestServer): Promise<TokenPair & { username: string; password: string }> {
  const account = newAccount('keyadmin');
  const registered = payloadOf(await server.graphql(REGISTER, { variables: { input: account } }), 'register');
  await server.database.db.update(users).set({ role: 'ADMIN' }).where(eq(users.id, registered.user.id));
  const login = payloadOf(await server.graphql(LOGIN, { variables: { input: { username: account.username, password: account.password } } }), 'login');
  return { ...login, username: account.username, password: account.password };
}

export const SIGNING_KEYS = `query { signingKeys { kid algorithm state createdAt activatedAt retiredAt } }`;
export const ROTATE = `mutation { rotateSigningKey { kid algorithm state } }`;
export const REVOKE = `mutation($kid: ID!) { revokeSigningKey(kid: $kid) { kid algorithm state } }`;

export interface KeyView {
  readonly kid: string;
  readonly algorithm: string;
  readonly state: 'NEXT' | 'CURRENT' | 'PREVIOUS';
}

/** The header of a JWT, decoded (not verified). */
export function headerOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}
