import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { databaseKinds } from '../support/databases';
import { newAccount, startTestServer } from '../support/http-server';
import { cleanUp, freshTarget, loginAndListUsers, type Target } from './fixtures';

const ROOT = join(__dirname, '..', '..');
// npm, then tsx, then a database to open and migrate: a slow machine gets room, never forever.
const RUN_DEADLINE_MS = 90_000;
const CLI_TEST_MS = 180_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `npm run user:create -- ...args` with `stdin` written to it and only `env` (plus PATH and HOME,
 * which npm needs). In a process group of its own, so that npm, its shell and the node under
 * them all go if the deadline passes.
 */
function userCreate(args: string[], stdin: string, env: Record<string, string>): Promise<Run> {
  const child = spawn('npm', ['run', 'user:create', '--', ...args], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? ROOT, BCRYPT_COST: '4', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(stdin);
  const deadline = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), RUN_DEADLINE_MS);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(deadline);
      resolve({ code, stdout, stderr });
    });
  });
}

afterAll(cleanUp);

describe.each(databaseKinds())('npm run user:create on %s', (kind) => {
  let target: Target;
  beforeEach(async () => {
    target = await freshTarget(kind);
  });
  afterEach(() => target.dispose());

  it(
    'creates an ADMIN with the password read from standard input',
    async () => {
      const account = newAccount('cli');
      const run = await userCreate(['--username', account.username, '--email', account.email, '--role', 'ADMIN'], `${account.password}\n`, target.env);
      expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining(`created ADMIN ${account.username}`) });
      // The password never goes on the command line, so it must not come back in the output either.
      expect(run.stdout + run.stderr).not.toContain(account.password);

      // The user is in the database the service would use, and logs in with that password as an ADMIN.
      const server = await startTestServer(await target.open());
      try {
        const users = await loginAndListUsers(server.graphqlUrl, account.username, account.password);
        expect(users.body).toEqual({ data: { users: { totalCount: 1 } } });
      } finally {
        await server.close();
      }
    },
    CLI_TEST_MS,
  );
});

describe('npm run user:create with bad input', () => {
  let target: Target;
  beforeAll(async () => {
    target = await freshTarget('pglite');
  });
  afterAll(() => target.dispose());

  it(
    'refuses an invalid email with a message naming it',
    async () => {
      const account = newAccount('cli');
      const run = await userCreate(['--username', account.username, '--email', 'not-an-email', '--role', 'ADMIN'], `${account.password}\n`, target.env);
      expect(run.code).not.toBe(0);
      expect(run.code).not.toBeNull();
      expect(run.stderr).toMatch(/user:create: .*\(email\)/);
    },
    CLI_TEST_MS,
  );
});
