import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'jwt-secret';

/**
 * Outside production, with no JWT_SECRET: the secret generated on first start and kept in
 * `dataDir` (mode 0600), so tokens survive restarts. `created` tells whether it is new.
 */
export function ensureDevSecret(dataDir: string): { secret: string; path: string; created: boolean } {
  const path = join(dataDir, FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Written whole to a private name, then linked into place: a process starting at the same
  // moment sees either no file or the complete one, never a half-written secret.
  const secret = randomBytes(48).toString('base64url');
  const draft = `${path}.${process.pid}.tmp`;
  writeFileSync(draft, secret, { mode: 0o600 });
  try {
    linkSync(draft, path);
    return { secret, path, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  const kept = readFileSync(path, 'utf8').trim();
  if (kept.length < 32) throw new Error(`${path} holds no usable secret: delete it to have a new one generated`);
  return { secret: kept, path, created: false };
}
