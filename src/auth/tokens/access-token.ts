import { createSecretKey, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../../clock';
import { isRole } from '../policy';
import type { Role } from '../principal';

export interface AccessClaims {
  readonly sub: string;
  readonly role: Role;
  readonly sid: string;
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
  /** The user's token version at issue: a later version means this token was cut off. */
  readonly ver: number;
}

export type AccessTokenCheck =
  | { readonly ok: true; readonly claims: AccessClaims }
  | { readonly ok: false; readonly reason: 'TOKEN_INVALID' | 'TOKEN_EXPIRED' };

export interface AccessTokens {
  sign(subject: { userId: string; role: Role; sessionId: string; tokenVersion: number }): { token: string; expiresAt: Date };
  /** Signature, typ, iss, aud and claims; `exp` against the clock on every call, cached or not. */
  verify(token: string): AccessTokenCheck;
}

export interface AccessTokenOptions {
  readonly secret: string;
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;
  readonly clock: Clock;
  /** Verified tokens remembered, so a client's repeated requests skip the HMAC. */
  readonly cacheSize?: number;
}

const TYP = 'at+jwt';
const ALGORITHM = 'HS256';

export function createAccessTokens(options: AccessTokenOptions): AccessTokens {
  // A KeyObject: with a string secret jsonwebtoken derives the key again on every call.
  const key = createSecretKey(Buffer.from(options.secret, 'utf8'));
  const verified = new LRUCache<string, AccessClaims>({ max: options.cacheSize ?? 10_000 });
  const nowSeconds = () => Math.floor(options.clock.now() / 1000);

  function verifySignature(token: string, now: number): AccessTokenCheck {
    let decoded: jwt.Jwt;
    try {
      decoded = jwt.verify(token, key, {
        algorithms: [ALGORITHM],
        issuer: options.issuer,
        audience: options.audience,
        clockTimestamp: now,
        complete: true,
      });
    } catch (error) {
      return { ok: false, reason: error instanceof jwt.TokenExpiredError ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID' };
    }
    const claims = decoded.header.typ === TYP ? readClaims(decoded.payload, now, options) : undefined;
    return claims ? { ok: true, claims } : { ok: false, reason: 'TOKEN_INVALID' };
  }

  return {
    sign({ userId, role, sessionId, tokenVersion }) {
      const iat = nowSeconds();
      const exp = iat + options.ttlSeconds;
      const payload = { sub: userId, role, sid: sessionId, ver: tokenVersion, jti: randomUUID(), iat, exp, iss: options.issuer, aud: options.audience };
      const token = jwt.sign(payload, key, { algorithm: ALGORITHM, header: { alg: ALGORITHM, typ: TYP } });
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
  const { sub, role, sid, jti, iat, exp, ver, aud } = payload as Record<string, unknown>;
  if (
    typeof sub !== 'string' ||
    !isRole(role) ||
    typeof sid !== 'string' ||
    typeof jti !== 'string' ||
    aud !== options.audience ||
    !isCount(iat, now + LEEWAY_SECONDS) ||
    !isCount(exp, iat + options.ttlSeconds + LEEWAY_SECONDS) ||
    !isCount(ver, MAX_TOKEN_VERSION)
  ) {
    return undefined;
  }
  return { sub, role, sid, jti, iat, exp, ver };
}

function isCount(value: unknown, max: number): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= max;
}
