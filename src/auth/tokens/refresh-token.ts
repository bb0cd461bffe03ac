import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, base64url: opaque, and never a JWT (no dots), so the two cannot be swapped. */
export function generateRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The only form in which a refresh token is stored. A fast hash suffices: the input has 256 bits of entropy. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}
