import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

const LOCK_FILE = 'gatehouse.pid';

/**
 * One process owns an embedded database: a second one writing the same files would corrupt
 * them. The lock is a file holding the owner's pid, created exclusively; a lock whose process is
 * gone (killed with SIGKILL, say) is taken over. Returns the release function.
 */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw new DataDirInUseError(
        `the embedded database in ${dir} is in use by process ${owner}: one process owns it. ` +
          'Stop that process, use another DATA_DIR, or share a PostgreSQL server through DATABASE_URL.',
      );
    }
    unlinkSync(path);
  }
  throw new DataDirInUseError(`could not lock ${path}: another process is starting on it. Wait for it, or use another DATA_DIR`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
