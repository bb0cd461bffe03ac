import { databaseKinds } from '../support/databases';
import { startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';
import { spawnService } from '../support/process';
import { RUN_DEADLINE_MS, terminalAvailable, userCreate, userCreateOnTerminal } from '../support/user-create';
import { waitFor } from '../support/wait-for';
import { cleanUp, freshTarget, loginAndListUsers, type Target, track } from './fixtures';

const CLI_TEST_MS = 180_000;
const onTerminal = terminalAvailable() ? describe : describe.skip;

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

onTerminal('npm run user:create typed at a terminal', () => {
  let target: Target;
  beforeAll(async () => {
    target = await freshTarget('pglite');
  });
  afterAll(() => target.dispose());

  it(
    'shows nothing of the password, asks for it twice, and creates the user with it',
    async () => {
      const account = newAccount('tty');
      const terminal = userCreateOnTerminal(['--username', account.username, '--email', account.email, '--role', 'ADMIN'], target.env);
      const shown = (prompt: string) => () => terminal.output().includes(prompt) || !terminal.running();
      await waitFor(shown('password: '), 'the password prompt', RUN_DEADLINE_MS);
      terminal.type(`${account.password}\r`);
      await waitFor(shown('password again: '), 'the prompt to type it again, or the end', RUN_DEADLINE_MS);
      if (terminal.running()) terminal.type(`${account.password}\r`);
      const code = await terminal.exited;

      // A terminal that echoes would show the password right after the prompt.
      expect(terminal.output()).not.toContain(account.password);
      expect(terminal.output()).toContain('password again: ');
      expect(code).toBe(0);
      expect(terminal.output()).toContain(`created ADMIN ${account.username}`);

      const server = await startTestServer(await target.open());
      try {
        const users = await loginAndListUsers(server.graphqlUrl, account.username, account.password);
        expect(users.body.data).toEqual({ users: { totalCount: 1 } });
      } finally {
        await server.close();
      }
    },
    CLI_TEST_MS,
  );
});

describe('npm run user:create while the server holds the embedded database', () => {
  let target: Target;
  beforeAll(async () => {
    target = await freshTarget('pglite');
  });
  afterAll(() => target.dispose());

  it(
    'says in one line that DATA_DIR is in use, with no stack',
    async () => {
      const server = track(spawnService({ PORT: '0', BCRYPT_COST: '4', LOG_LEVEL: 'info', ...target.env }));
      await waitFor(() => server.output().includes('listening') || !server.running(), 'the server to listen', RUN_DEADLINE_MS);
      expect(server.running()).toBe(true);

      const account = newAccount('busy');
      const run = await userCreate(['--username', account.username, '--email', account.email], `${account.password}\n`, target.env);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^user:create: the embedded database in \S+ is in use by process \d+\b.*DATA_DIR.*$/m);
      expect(run.stderr).not.toMatch(/^\s+at /m);
    },
    CLI_TEST_MS,
  );
});
