import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import bcrypt from 'bcrypt';
import { BCRYPT_THREAD_NICE, BcryptPool, type ThreadPolicy } from '../../../src/auth/passwords/bcrypt-pool';

/** Fields of /proc/self/task/<tid>/stat after the command: [0] is field 3. */
function statOf(tid: string): string[] {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
const niceOf = (tid: string) => Number(statOf(tid)[16]);
/** Field 41: 0 SCHED_OTHER, 5 SCHED_IDLE. */
const policyOf = (tid: string) => Number(statOf(tid)[38]);
const SCHED_OTHER = 0;
const SCHED_IDLE = 5;

const hasChrt = (() => {
  try {
    execFileSync('chrt', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('bcrypt pool', () => {
  it('hashes and compares as bcrypt does', async () => {
    const pool = new BcryptPool(2);
    try {
      const hash = await pool.hash('secret', 4);
      expect(hash).toMatch(/^\$2b\$04\$/);
      await expect(bcrypt.compare('secret', hash)).resolves.toBe(true);
      await expect(pool.compare('secret', hash)).resolves.toBe(true);
      await expect(pool.compare('Secret', hash)).resolves.toBe(false);
    } finally {
      await pool.close();
    }
  });

  it('answers 20 jobs given at once on 2 threads, each with its own result', async () => {
    const pool = new BcryptPool(2);
    try {
      const passwords = Array.from({ length: 20 }, (_, i) => `password ${i}`);
      const hashes = await Promise.all(passwords.map((p) => pool.hash(p, 4)));
      const checks = await Promise.all(passwords.map((p, i) => pool.compare(p, hashes[(i + 1) % 20]!)));
      const own = await Promise.all(passwords.map((p, i) => pool.compare(p, hashes[i]!)));
      expect(checks.every((ok) => !ok)).toBe(true);
      expect(own.every((ok) => ok)).toBe(true);
    } finally {
      await pool.close();
    }
  });

  const onLinux = process.platform === 'linux' ? it : it.skip;
  /** The threads a fresh pool of 2 starts, once both have run a job; the pool is closed after `check`. */
  async function withPoolThreads(check: (threads: string[]) => void): Promise<void> {
    // Threads of pools closed by other tests may linger a moment: only those started here count.
    const before = new Set(readdirSync('/proc/self/task'));
    const pool = new BcryptPool(2);
    try {
      await Promise.all([pool.hash('a', 4), pool.hash('b', 4)]);
      check(readdirSync('/proc/self/task').filter((tid) => !before.has(tid)));
    } finally {
      await pool.close();
    }
  }

  onLinux('runs bcrypt on threads of lower priority than the event loop, which keeps its own', async () => {
    await withPoolThreads((started) => {
      expect(started.map(niceOf).filter((n) => n === BCRYPT_THREAD_NICE)).toHaveLength(2);
      // The main thread's id is the process's.
      expect(niceOf(String(process.pid))).toBe(0);
    });
  });

  const withChrt = process.platform === 'linux' && hasChrt ? it : it.skip;
  withChrt('runs bcrypt under SCHED_IDLE, leaving the event loop under the normal policy', async () => {
    await withPoolThreads((started) => {
      expect(started.map(policyOf).filter((policy) => policy === SCHED_IDLE)).toHaveLength(2);
      expect(policyOf(String(process.pid))).toBe(SCHED_OTHER);
    });
  });

  withChrt('says once, when its first thread starts, that its threads run under SCHED_IDLE', async () => {
    const policies: ThreadPolicy[] = [];
    const pool = new BcryptPool(2, (policy) => policies.push(policy));
    try {
      await Promise.all([pool.hash('a', 4), pool.hash('b', 4)]);
      expect(policies).toEqual(['idle']);
    } finally {
      await pool.close();
    }
  });

  onLinux('says so when its threads cannot have SCHED_IDLE (no chrt on the PATH), and serves all the same', () => {
    // A process of its own: the environment a thread starts with is the process's, not jest's copy.
    const script = `
      const { BcryptPool } = require(${JSON.stringify(require.resolve('../../../src/auth/passwords/bcrypt-pool'))});
      const pool = new BcryptPool(1, (policy) => process.stdout.write(policy + ' '));
      pool.hash('a', 4).then((hash) => process.stdout.write(hash.slice(0, 7))).finally(() => pool.close());`;
    const printed = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, PATH: '/nonexistent' }, encoding: 'utf8' });
    expect(printed).toBe('nice $2b$04$');
  });

  it('fails a job that bcrypt refuses, and goes on serving', async () => {
    const pool = new BcryptPool(1);
    try {
      await expect(pool.hash('x', 99)).rejects.toThrow(/salt|rounds/i);
      await expect(pool.hash('x', 4)).resolves.toMatch(/^\$2b\$04\$/);
    } finally {
      await pool.close();
    }
  });

  it('after close, fails what runs and what waits, and refuses what comes', async () => {
    const pool = new BcryptPool(1);
    // The first runs, the second has been handed to the thread too, the third waits in the pool.
    const pending = ['first', 'second', 'third'].map((data) => expect(pool.hash(data, 10)).rejects.toThrow('closed'));
    await pool.close();
    await Promise.all(pending);
    await expect(pool.compare('x', '$2b$04$abcdefghijklmnopqrstuu')).rejects.toThrow('closed');
  });
});
