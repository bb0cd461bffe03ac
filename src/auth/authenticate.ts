import type { Store } from '../db/store';
import type { TokenFailure } from '../errors';
import type { AccessClaims, AccessTokens } from './tokens/access-token';
import type { Principal } from './principal';
import type { RevocationList } from './sessions/revocation';

/** A caller: a token that every guarded field may go on to check. */
export interface Admitted {
  readonly ok: true;
  readonly principal: Principal;
  readonly pending?: undefined;
}

/**
 * A caller, or why there is none. A session that still owes its second factor is no caller
 * (`MFA_REQUIRED`), so every guard refuses it with no check of its own; `pending` holds the caller
 * it would be, built once per request, for the few rules that admit it (`@auth(mfa: false)`).
 */
export type Authentication = Admitted | { readonly ok: false; readonly reason: TokenFailure; readonly pending?: Admitted };

/** The authentication of a principal, pending its second factor or not. */
export function authenticated(principal: Principal, mfaPending: boolean): Authentication {
  const admitted: Admitted = { ok: true, principal };
  return mfaPending ? { ok: false, reason: 'MFA_REQUIRED', pending: admitted } : admitted;
}

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
  async function vouch(claims: AccessClaims, accepted: Authentication): Promise<Authentication> {
    try {
      const [session, user] = await Promise.all([deps.store.sessions.findById(claims.sid), deps.store.users.findById(claims.sub)]);
      const live = session?.revokedAt === null && user !== undefined && !user.disabled && claims.ver >= user.tokenVersion;
      return live ? accepted : REVOKED;
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
    const { sub, role, sid, authTime, mfaPending } = check.claims;
    const accepted = authenticated({ userId: sub, role, sessionId: sid, authTime }, mfaPending === true);
    return deps.trusted() ? accepted : vouch(check.claims, accepted);
  };
}
