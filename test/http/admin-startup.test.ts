import { TEST_SECRET } from '../support/test-app';
import { databaseKinds } from '../support/databases';
import { LOGIN, REGISTER } from '../support/documents';
import { payloadOf, postGraphQL, startTestServer } from '../support/http-server';
import { cleanUp, exitOf, freshTarget, loginAndListUsers, start, type Target } from './fixtures';
import { newAccount } from '../support/operations';

const PROCESS_TEST_MS = 180_000;

afterAll(cleanUp);

describe.each(databaseKinds())('ADMIN_USERNAME, ADMIN_EMAIL, ADMIN_PASSWORD at start-up on %s', (kind) => {
  let target: Target;
  beforeEach(async () => {
    target = await freshTarget(kind);
  });
  afterEach(() => target.dispose());

  const adminEnv = (account: { username: string; email: string; password: string }) => ({
    ADMIN_USERNAME: account.username,
    ADMIN_EMAIL: account.email,
    ADMIN_PASSWORD: account.password,
  });

  it(
    'creates that user as ADMIN when absent',
    async () => {
      const admin = newAccount('admin');
      const service = await start({ ...target.env, ...adminEnv(admin) });
      expect(service.logs().find((line) => line['action'] !== undefined)).toMatchObject({ action: 'created', level: 30 });

      const users = await loginAndListUsers(`${service.origin}/graphql`, admin.username, admin.password);
      expect(users.body).toEqual({ data: { users: { totalCount: 1 } } });

      // The next start with the same ADMIN_* finds it and changes nothing.
      service.signal('SIGTERM');
      expect((await exitOf(service)).code).toBe(0);
      const again = await start({ ...target.env, ...adminEnv({ ...admin, password: `other-${admin.password}` }) });
      expect(again.logs().find((line) => line['action'] !== undefined)).toMatchObject({ action: 'unchanged', level: 30 });
      const stillOne = await loginAndListUsers(`${again.origin}/graphql`, admin.username, admin.password);
      expect(stillOne.body).toEqual({ data: { users: { totalCount: 1 } } });
    },
    PROCESS_TEST_MS,
  );

  it(
    'makes an existing user ADMIN and leaves its password alone',
    async () => {
      const account = newAccount('promote');
      // Registered through the API first, in this process, as an ordinary USER.
      const before = await startTestServer(await target.open());
      try {
        payloadOf(await before.graphql(REGISTER, { variables: { input: account } }), 'register');
      } finally {
        await before.close();
      }

      const otherPassword = `other-${account.password}`;
      // The same JWT_SECRET as the server above: it decrypts the signing keys that server made.
      const service = await start({ ...target.env, JWT_SECRET: TEST_SECRET, ...adminEnv({ ...account, password: otherPassword }) });
      // A warning: an existing account's role changed, and ADMIN_PASSWORD is not its password.
      expect(service.logs().find((line) => line['action'] !== undefined)).toMatchObject({ action: 'promoted', level: 40, msg: expect.stringContaining('ADMIN_PASSWORD is not applied') });

      const graphqlUrl = `${service.origin}/graphql`;
      const users = await loginAndListUsers(graphqlUrl, account.username, account.password);
      expect(users.body).toEqual({ data: { users: { totalCount: 1 } } });
      const withAdminPassword = await postGraphQL(graphqlUrl, LOGIN, {
        variables: { input: { username: account.username, password: otherPassword } },
      });
      expect(withAdminPassword.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'BAD_CREDENTIALS' });
    },
    PROCESS_TEST_MS,
  );
});
