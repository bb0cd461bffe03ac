import { createKeyEncryption } from '../keys/key-encryption';

/**
 * TOTP secrets at rest: AES-256-GCM under a key derived from JWT_SECRET by HKDF, as signing keys
 * are, under a label of its own (so neither key can open the other's data). The account's id is
 * the additional data: a secret copied into another account's row does not decrypt there.
 */
export interface SecretBox {
  seal(userId: string, secret: string): string;
  /** The secret, or undefined when it was sealed under another JWT_SECRET (or altered). */
  open(userId: string, sealed: string): string | undefined;
}

const INFO = 'gatehouse totp-secret encryption v1';

export function createSecretBox(jwtSecret: string): SecretBox {
  const encryption = createKeyEncryption(jwtSecret, INFO);
  return {
    seal: (userId, secret) => encryption.encrypt(userId, Buffer.from(secret, 'utf8')),
    open: (userId, sealed) => encryption.decrypt(userId, sealed)?.toString('utf8'),
  };
}
