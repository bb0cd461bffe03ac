import type { AuthReason } from '../errors';
import type { AccessTokens } from './access-token';
import type { Principal } from './principal';
import type { RevocationList } from './revocation';

export type Authentication =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly reason: Extract<AuthReason, `TOKEN_${string}`> };

export type Authenticate = (authorization: string | undefined) => Authentication;

const MISSING: Authentication = { ok: false, reason: 'TOKEN_MISSING' };
const INVALID: Authentication = { ok: false, reason: 'TOKEN_INVALID' };
const REVOKED: Authentication = { ok: false, reason: 'TOKEN_REVOKED' };

/**
 * An `Authorization` header to a caller, or the reason there is none. Never throws and never
 * touches the database: the signature check is cached, revocation is in memory.
 */
export function createAuthenticate(deps: { accessTokens: AccessTokens; revocations: RevocationList }): Authenticate {
  return (authorization) => {
    if (authorization === undefined || authorization === '') return MISSING;
    const match = /^Bearer +(\S+) *$/i.exec(authorization);
    if (!match) return INVALID;
    const check = deps.accessTokens.verify(match[1]!);
    if (!check.ok) return check;
    if (deps.revocations.isRevoked(check.claims)) return REVOKED;
    const { sub, role, sid } = check.claims;
    return { ok: true, principal: { userId: sub, role, sessionId: sid } };
  };
}
