import { createHash, randomBytes } from 'node:crypto';
import type { BcryptPool } from './bcrypt-pool';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password; a missing hash still costs one full comparison (no timing tell). */
  verify(password: string, hash: string | undefined): Promise<boolean>;
}

/**
 * bcrypt reads at most 72 bytes, so two long passwords with one prefix would collide. Every
 * password is first reduced to base64(SHA-256(UTF-8 bytes)): 44 ASCII characters, no NUL, and
 * every character of the original counts. bcrypt runs on the pool's threads, so a login never
 * blocks the event loop, nor takes the CPU from it.
 */
export async function createPasswordHasher(cost: number, bcrypt: BcryptPool): Promise<PasswordHasher> {
  const prehash = (password: string) => createHash('sha256').update(password, 'utf8').digest('base64');
  // Compared against when the user does not exist, so that case takes as long as a wrong password.
  const dummyHash = await bcrypt.hash(randomBytes(16).toString('base64'), cost);
  return {
    hash: (password) => bcrypt.hash(prehash(password), cost),
    verify: (password, hash) => bcrypt.compare(prehash(password), hash ?? dummyHash),
  };
}
