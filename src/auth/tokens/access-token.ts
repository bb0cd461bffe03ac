import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../../clock';
import type { KeyRing } from '../keys/key-ring';
import { isRole } from '../policy';
import type { Role } from '../principal';
import type { SecondFactor } from '../../db/schema';

export interface AccessClaims {
  readonly sub: string;
  readonly role: Role;
  readonly sid: string;
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
  /** The user's token version at issue: a later version means this token was cut off. */
  readonly ver: number;
  /** When the session last proved its password (seconds); absent from tokens older than the claim. */
  readonly authTime?: number;
  /** The session still owes its second factor (claim `mfa_pending`): only a few fields admit it. */
  readonly mfaPending?: boolean;
}

export type AccessTokenCheck =
  | { readonly ok: true; readonly claims: AccessClaims }
  | { readonly ok: false; readonly reason: 'TOKEN_INVALID' | 'TOKEN_EXPIRED' };

export interface AccessSubject {
  readonly userId: string;
  readonly role: Role;
  readonly sessionId: string;
  readonly tokenVersion: number;
  /** When the session last proved its password. */
  readonly authTime: Date;
  /** GIVEN adds "otp" to `amr`; PENDING marks the token `mfa_pending`. NONE unless given. */
  readonly secondFactor?: SecondFactor;
}

export interface AccessTokens {
  sign(subject: AccessSubject): { token: string; expiresAt: Date };
  /** Signature, typ, iss, aud and claims; `exp` against the clock on every call, cached or not. */
  verify(token: string): AccessTokenCheck;
}

export interface AccessTokenOptions {
  /** The signing keys: the CURRENT one signs, any published one verifies. */
  readonly keys: KeyRing;
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;
  readonly clock: Clock;
  /** Verified tokens remembered, so a client's repeated requests skip the signature check. */
  readonly cacheSize?: number;
}

const TYP = 'at+jwt';
/** Space-separated, as Apollo Router's @requiresScopes reads it. */
const SCOPES: Readonly<Record<Role, string>> = { USER: 'user', ADMIN: 'user admin' };
/** Header members that would have a verifier take the key from the token itself, or obey extensions it does not know. */
const FORBIDDEN_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'crit'];

export function createAccessTokens(options: AccessTokenOptions): AccessTokens {
  const verified = new LRUCache<string, AccessClaims>({ max: options.cacheSize ?? 10_000 });
  // A key gone (revoked, dropped) must take its tokens with it: the cache is only a shortcut.
  options.keys.onChange(() => verified.clear());
  const nowSeconds = () => Math.floor(options.clock.now() / 1000);
  const INVALID: AccessTokenCheck = { ok: false, reason: 'TOKEN_INVALID' };

  function verifySignature(token: string, now: number): AccessTokenCheck {
    const header = readHeader(token);
    if (!header || header['typ'] !== TYP || FORBIDDEN_HEADERS.some((name) => name in header)) return INVALID;
    const kid = header['kid'];
    if (kid !== undefined && typeof kid !== 'string') return INVALID;
    // The key is chosen by kid alone and pins its one algorithm: HS256 over a public key, or any
    // algorithm but the key's own, fails here or in jsonwebtoken.
    const key = options.keys.verifierFor(kid);
    if (!key || header['alg'] !== key.algorithm) return INVALID;
    let decoded: jwt.Jwt;
    try {
      decoded = jwt.verify(token, key.key, {
        algorithms: [key.algorithm],
        issuer: options.issuer,
        audience: options.audience,
        clockTimestamp: now,
        complete: true,
      });
    } catch (error) {
      return { ok: false, reason: error instanceof jwt.TokenExpiredError ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID' };
    }
    const claims = readClaims(decoded.payload, now, options);
    return claims ? { ok: true, claims } : INVALID;
  }

  return {
    sign({ userId, role, sessionId, tokenVersion, authTime, secondFactor }) {
      const signer = options.keys.signer();
      const iat = nowSeconds();
      const exp = iat + options.ttlSeconds;
      const payload = {
        sub: userId,
        role,
        scope: SCOPES[role],
        sid: sessionId,
        ver: tokenVersion,
        jti: randomUUID(),
        iat,
        exp,
        iss: options.issuer,
        aud: options.audience,
        auth_time: Math.floor(authTime.getTime() / 1000),
        amr: secondFactor === 'GIVEN' ? ['pwd', 'otp'] : ['pwd'],
        // A claim of its own rather than a missing "otp": a verifier that knows nothing of it still
        // sees amr ["pwd"], and this service refuses the token on every field but a few.
        ...(secondFactor === 'PENDING' ? { mfa_pending: true } : {}),
      };
      const header = { alg: signer.algorithm, typ: TYP, ...(signer.kid === undefined ? {} : { kid: signer.kid }) };
      const token = jwt.sign(payload, signer.key, { algorithm: signer.algorithm, header });
      return { token, expiresAt: new Date(exp * 1000) };
    },

    verify(token) {
      const now = nowSeconds();
      const cached = verified.get(token);
      if (cached) return cached.exp > now ? { ok: true, claims: cached } : { ok: false, reason: 'TOKEN_EXPIRED' };
      const check = verifySignature(token, now);
      if (check.ok) verified.set(token, check.claims);
      return check;
    },
  };
}

/** The JOSE header as an object, or undefined when the token has none that parses. */
function readHeader(token: string): Record<string, unknown> | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && !Array.isArray(header) ? (header as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Clock skew allowed between instances: a token may be issued up to this far in a verifier's future. */
const LEEWAY_SECONDS = 60;
/**
 * No account comes near this many cut-offs (each logoutAll, role change, password change or
 * disabling adds one); a larger `ver` can only come from a forged token trying to outlive them.
 */
export const MAX_TOKEN_VERSION = 1_000_000;

/**
 * The claims with their exact types and sane values, or undefined. jsonwebtoken checks `exp` only
 * as a number, so a token minted with a leaked key could otherwise carry `exp: 1e300` and live for
 * ever, or a huge `ver` and outlive every cut-off.
 */
function readClaims(payload: jwt.JwtPayload | string, now: number, options: AccessTokenOptions): AccessClaims | undefined {
  if (typeof payload !== 'object') return undefined;
  const { sub, role, sid, jti, iat, exp, ver, aud, scope, auth_time: authTime, amr, mfa_pending: mfaPending } = payload as Record<string, unknown>;
  if (
    typeof sub !== 'string' ||
    !isRole(role) ||
    typeof sid !== 'string' ||
    typeof jti !== 'string' ||
    aud !== options.audience ||
    !isCount(iat, now + LEEWAY_SECONDS) ||
    !isCount(exp, iat + options.ttlSeconds + LEEWAY_SECONDS) ||
    !isCount(ver, MAX_TOKEN_VERSION) ||
    (scope !== undefined && scope !== SCOPES[role]) ||
    (authTime !== undefined && !isCount(authTime, iat + LEEWAY_SECONDS)) ||
    (amr !== undefined && !(Array.isArray(amr) && amr.every((method) => typeof method === 'string'))) ||
    (mfaPending !== undefined && mfaPending !== true)
  ) {
    return undefined;
  }
  return { sub, role, sid, jti, iat, exp, ver, authTime: authTime as number | undefined, mfaPending: mfaPending === true };
}

function isCount(value: unknown, max: number): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= max;
}
