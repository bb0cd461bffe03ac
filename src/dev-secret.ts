import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'jwt-secret';

/**
 * Outside production, with no JWT_SECRET: the secret generated on first start and kept in
 * `dataDir` (mode 0600), so tokens survive restarts. `created` tells whether it is new.
 */
export function ensureDevSecret(dataDir: string): { secret: string; path: string; created: boolean } {
  const path = join(dataDir, FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
    return { secret: readFileSync(path, 'utf8').trim(), path, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  const secret = readFileSync(path, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${path} holds no usable secret: delete it to have a new one generated`);
  return { secret, path, created: false };
}
