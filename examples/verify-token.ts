import { jwtVerify } from 'jose';

/** What a Gatehouse access token says about its bearer, once verified. */
export interface AccessClaims {
  /** The user's id. */
  readonly sub: string;
  readonly role: 'USER' | 'ADMIN';
  /** The session (refresh-token family) the token was issued in. */
  readonly sid: string;
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
}

export interface VerifierOptions {
  /** Gatehouse's JWT_SECRET, exactly as configured: its UTF-8 bytes are the HS256 key. */
  readonly secret: string;
  /** Gatehouse's JWT_ISSUER and JWT_AUDIENCE (`gatehouse` unless configured). */
  readonly issuer: string;
  readonly audience: string;
}

/**
 * Verifies Gatehouse access tokens in another service, without calling Gatehouse: HS256 only
 * (never `none`, never another algorithm), header `typ: at+jwt`, signature, `exp`, `iss`, `aud`
 * and every claim. Anything else rejects: jose's errors carry a `code` such as ERR_JWT_EXPIRED.
 */
export function createAccessTokenVerifier({ secret, issuer, audience }: VerifierOptions) {
  const key = new TextEncoder().encode(secret);
  return async function verifyAccessToken(token: string): Promise<AccessClaims> {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      typ: 'at+jwt',
      issuer,
      audience,
      requiredClaims: ['sub', 'role', 'sid', 'jti', 'iat', 'exp'],
    });
    // jose has checked iat and exp are numbers; the rest is Gatehouse's own.
    const { sub, role, sid, jti, iat, exp } = payload as Record<string, unknown> & { iat: number; exp: number };
    if (typeof sub !== 'string' || (role !== 'USER' && role !== 'ADMIN') || typeof sid !== 'string' || typeof jti !== 'string') {
      throw new Error('Not a Gatehouse access token: a claim has the wrong type.');
    }
    return { sub, role, sid, jti, iat, exp };
  };
}
