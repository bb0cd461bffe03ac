import { createHash, randomBytes } from 'node:crypto';

/** How many recovery codes an account gets at a time. */
export const RECOVERY_CODE_COUNT = 10;

/**
 * Ten codes of 80 random bits each, shown as `xxxx-xxxx-xxxx-xxxx` (base32, lower case). With
 * that much entropy, a fast hash is enough: SHA-256 of a code cannot be searched back to it, and
 * unlike a password there is nothing a slow hash like bcrypt would protect that the randomness
 * does not already (the same reasoning as for refresh tokens).
 */
export function generateRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => base32(randomBytes(10)).match(/.{4}/g)!.join('-'));
}

/** The stored form; typing is forgiven (case, spaces, dashes), so normalised before hashing. */
export function hashRecoveryCode(code: string): string {
  const normal = code.toLowerCase().replace(/[\s-]/g, '');
  return createHash('sha256').update(normal, 'utf8').digest('base64url');
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + ALPHABET[(value << (5 - bits)) & 31] : out;
}
