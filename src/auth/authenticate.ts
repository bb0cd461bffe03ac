import type { Store } from '../db/store';
import type { TokenFailure } from '../errors';
import type { AccessClaims, AccessTokens } from './tokens/access-token';
import type { Principal } from './principal';
import type { RevocationList } from './sessions/revocation';

export type Authentication = { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly reason: TokenFailure };

/** Synchronous while the revocation list is trusted; a promise only while it is being rebuilt. */
export type Authenticate = (authorization: string | undefined) => Authentication | Promise<Authentication>;

const MISSING: Authentication = { ok: false, reason: 'TOKEN_MISSING' };
const INVALID: Authentication = { ok: false, reason: 'TOKEN_INVALID' };
const REVOKED: Authentication = { ok: false, reason: 'TOKEN_REVOKED' };
const UNVERIFIABLE: Authentication = { ok: false, reason: 'TOKEN_UNVERIFIABLE' };

/**
 * An `Authorization` header to a caller, or the reason there is none; never throws. Normally no
 * database query: the signature check is cached and revocation is in memory. While the memory
 * may have missed a revocation (`trusted()` false), each token is vouched for by the database,
 * and when that fails too the token is not accepted.
 */
export function createAuthenticate(deps: {
  accessTokens: AccessTokens;
  revocations: RevocationList;
  trusted: () => boolean;
  store: Store;
}): Authenticate {
  async function vouch(claims: AccessClaims, principal: Principal): Promise<Authentication> {
    try {
      const [session, user] = await Promise.all([deps.store.sessions.findById(claims.sid), deps.store.users.findById(claims.sub)]);
      const live = session?.revokedAt === null && user !== undefined && !user.disabled && claims.ver >= user.tokenVersion;
      return live ? { ok: true, principal } : REVOKED;
    } catch {
      return UNVERIFIABLE;
    }
  }

  return (authorization) => {
    if (authorization === undefined || authorization === '') return MISSING;
    const match = /^Bearer +(\S+) *$/i.exec(authorization);
    if (!match) return INVALID;
    const check = deps.accessTokens.verify(match[1]!);
    if (!check.ok) return check;
    if (deps.revocations.isRevoked(check.claims)) return REVOKED;
    const { sub, role, sid, authTime } = check.claims;
    const principal: Principal = { userId: sub, role, sessionId: sid, authTime };
    return deps.trusted() ? { ok: true, principal } : vouch(check.claims, principal);
  };
}
