import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Private halves of signing keys are stored encrypted with AES-256-GCM under a key derived from
 * JWT_SECRET by HKDF-SHA256 (info names the purpose, so the same secret never yields this key for
 * anything else). The row's kid is the additional data: a private half moved to another row no
 * longer decrypts. A database dump alone, without JWT_SECRET, therefore holds nothing that signs.
 */
export interface KeyEncryption {
  encrypt(kid: string, plaintext: Buffer): string;
  /** The plaintext, or undefined when this secret did not encrypt it (or it was altered). */
  decrypt(kid: string, sealed: string): Buffer | undefined;
}

const INFO = 'gatehouse signing-key encryption v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** `info` names what the derived key protects: another purpose (TOTP secrets) gives another key. */
export function createKeyEncryption(jwtSecret: string, info = INFO): KeyEncryption {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(jwtSecret, 'utf8'), Buffer.alloc(0), info, 32));
  return {
    encrypt(kid, plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(kid, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    decrypt(kid, sealed) {
      const raw = Buffer.from(sealed, 'base64url');
      if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES)).setAAD(Buffer.from(kid, 'utf8'));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
      } catch {
        return undefined;
      }
    },
  };
}
