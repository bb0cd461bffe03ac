import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';

/** What a Gatehouse access token says about its bearer, once verified. */
export interface AccessClaims {
  /** The user's id. */
  readonly sub: string;
  readonly role: 'USER' | 'ADMIN';
  /** `user`, or `user admin` for an ADMIN (space-separated, as Apollo Router's @requiresScopes reads it). */
  readonly scope: string;
  /** The session (refresh-token family) the token was issued in. */
  readonly sid: string;
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
}

export interface JwksVerifierOptions {
  /** Gatehouse's public keys, e.g. `https://auth.example.com/.well-known/jwks.json`. */
  readonly jwksUrl: string;
  /** Gatehouse's JWT_ALGORITHM: ES256 (the default) or RS256. */
  readonly algorithm?: 'ES256' | 'RS256';
  /** Gatehouse's JWT_ISSUER and JWT_AUDIENCE (`gatehouse` unless configured). */
  readonly issuer: string;
  readonly audience: string;
}

/**
 * The way to verify Gatehouse access tokens in another service: with the public keys Gatehouse
 * publishes, so this service holds nothing that can mint a token. jose fetches the key set once,
 * caches it, and fetches again when a token names a key it does not know yet. The algorithm is
 * pinned (never `none`, never HS256), and `typ: at+jwt`, `exp`, `iss`, `aud` and every claim are
 * checked. Anything else rejects: jose's errors carry a `code` such as ERR_JWT_EXPIRED.
 */
export function createJwksAccessTokenVerifier({ jwksUrl, algorithm = 'ES256', issuer, audience }: JwksVerifierOptions) {
  const keys = createRemoteJWKSet(new URL(jwksUrl));
  return async function verifyAccessToken(token: string): Promise<AccessClaims> {
    const { payload } = await jwtVerify(token, keys, { algorithms: [algorithm], typ: 'at+jwt', issuer, audience, requiredClaims: REQUIRED });
    return claimsOf(payload);
  };
}

export interface VerifierOptions {
  /** Gatehouse's JWT_SECRET, exactly as configured: its UTF-8 bytes are the HS256 key. */
  readonly secret: string;
  readonly issuer: string;
  readonly audience: string;
}

/**
 * Only for a Gatehouse run with JWT_ALGORITHM=HS256: verifies with the shared secret, HS256 only.
 * Whoever holds that secret can also mint tokens, ADMIN ones included; prefer the JWKS above.
 */
export function createAccessTokenVerifier({ secret, issuer, audience }: VerifierOptions) {
  const key = new TextEncoder().encode(secret);
  return async function verifyAccessToken(token: string): Promise<AccessClaims> {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], typ: 'at+jwt', issuer, audience, requiredClaims: REQUIRED });
    return claimsOf(payload);
  };
}

const REQUIRED = ['sub', 'role', 'scope', 'sid', 'jti', 'iat', 'exp'];

function claimsOf(payload: JWTPayload): AccessClaims {
  // jose has checked iat and exp are numbers; the rest is Gatehouse's own.
  const { sub, role, scope, sid, jti, iat, exp } = payload as Record<string, unknown> & { iat: number; exp: number };
  if (typeof sub !== 'string' || (role !== 'USER' && role !== 'ADMIN') || typeof scope !== 'string' || typeof sid !== 'string' || typeof jti !== 'string') {
    throw new Error('Not a Gatehouse access token: a claim has the wrong type.');
  }
  return { sub, role, scope, sid, jti, iat, exp };
}
