import { cleanUp, exitOf, freshTarget, killAll, type Target, track } from '../http/fixtures';
import { databaseKinds } from '../support/databases';
import { type Account, LOGIN, REGISTER, USERS_TOTAL } from '../support/documents';
import { type HttpTestServer, payloadOf, postGraphQL, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';
import { spawnService } from '../support/process';
import { userCreate } from '../support/user-create';
import { TEST_SECRET } from '../support/test-app';

/**
 * Someone registers the name (or the address) the operator will give as ADMIN_USERNAME (or
 * ADMIN_EMAIL) before the operator's first start. Start-up, and `user:create --role ADMIN`, must
 * not make that account ADMIN: they refuse, saying which of the two is someone else's.
 */

// Real processes, each opening and migrating a database.
const PROCESS_TEST_MS = 180_000;

afterAll(cleanUp);

const adminEnv = (account: Account) => ({ ADMIN_USERNAME: account.username, ADMIN_EMAIL: account.email, ADMIN_PASSWORD: account.password });

/** The lines a failed start or command wrote that are not JSON logs. */
const messageLines = (output: string) => output.split('\n').filter((line) => line !== '' && !line.startsWith('{'));

describe.each(databaseKinds())('an ADMIN name or address registered first by someone else, on %s', (kind) => {
  let target: Target;
  beforeAll(async () => {
    target = await freshTarget(kind);
  });
  afterAll(() => target.dispose());
  // A start that should have been refused and was not still holds the embedded database.
  afterEach(killAll);

  /** The service in this process on the target's database, for one step of a test. */
  async function withServer<T>(work: (server: HttpTestServer) => Promise<T>): Promise<T> {
    const server = await startTestServer(await target.open());
    try {
      return await work(server);
    } finally {
      await server.close();
    }
  }

  const register = (...accounts: Account[]) =>
    withServer(async (server) => {
      const ids: string[] = [];
      for (const account of accounts) ids.push(payloadOf(await server.graphql(REGISTER, { variables: { input: account } }), 'register').user.id);
      return ids;
    });

  /** Starts the service with `admin` as ADMIN_*; it must exit 1 having written one line, which is returned. */
  async function refusedStart(admin: Account): Promise<string> {
    const service = track(spawnService({ PORT: '0', BCRYPT_COST: '4', LOG_LEVEL: 'info', JWT_SECRET: TEST_SECRET, ...target.env, ...adminEnv(admin) }));
    expect((await exitOf(service)).code).toBe(1);
    const lines = messageLines(service.output());
    expect(lines).toHaveLength(1);
    return lines[0]!;
  }

  /** Who of `accounts` can log in with their password, and whether they are ADMIN then. */
  const standing = (...accounts: Account[]) =>
    withServer(async (server) => {
      const result: string[] = [];
      for (const account of accounts) {
        const login = await postGraphQL(server.graphqlUrl, LOGIN, { variables: { input: { username: account.username, password: account.password } } });
        if (login.body.errors) {
          result.push(`${account.username}: ${String(login.body.errors[0]?.extensions?.['reason'])}`);
          continue;
        }
        const users = await postGraphQL(server.graphqlUrl, USERS_TOTAL, { token: payloadOf(login, 'login').accessToken });
        result.push(`${account.username}: ${users.body.data?.['users'] ? 'ADMIN' : String(users.body.errors?.[0]?.extensions?.['code'])}`);
      }
      return result;
    });

  it(
    'start-up refuses when the username belongs to another account, names ADMIN_USERNAME, and the account stays a USER',
    async () => {
      const squatter = newAccount('squat');
      const [squatterId] = await register(squatter);
      const operator = { ...newAccount('ops'), username: squatter.username };

      expect(await refusedStart(operator)).toBe(
        `gatehouse: cannot start: ADMIN_USERNAME ${squatter.username} belongs to another account (id ${squatterId}) with another email: ` +
          `whoever registered it is not made ADMIN. Choose another ADMIN_USERNAME, or give ADMIN_EMAIL as that account's email if it is yours`,
      );
      expect(await standing(squatter, operator)).toEqual([`${squatter.username}: FORBIDDEN`, `${squatter.username}: BAD_CREDENTIALS`]);
    },
    PROCESS_TEST_MS,
  );

  it(
    'start-up refuses when the email belongs to another account, naming ADMIN_EMAIL',
    async () => {
      const squatter = newAccount('squat');
      const [squatterId] = await register(squatter);
      const operator = { ...newAccount('ops'), email: squatter.email };

      expect(await refusedStart(operator)).toMatch(
        new RegExp(`^gatehouse: cannot start: ADMIN_EMAIL ${squatter.email} belongs to another account \\(id ${squatterId}\\) with another username: .*ADMIN_USERNAME`),
      );
      expect(await standing(squatter, operator)).toEqual([`${squatter.username}: FORBIDDEN`, `${operator.username}: BAD_CREDENTIALS`]);
    },
    PROCESS_TEST_MS,
  );

  it(
    'start-up refuses when the username and the email belong to two other accounts, naming both',
    async () => {
      const [byName, byAddress] = [newAccount('name'), newAccount('addr')];
      const [nameId, addressId] = await register(byName, byAddress);
      const operator = { ...newAccount('ops'), username: byName.username, email: byAddress.email };

      expect(await refusedStart(operator)).toBe(
        `gatehouse: cannot start: ADMIN_USERNAME ${byName.username} and ADMIN_EMAIL ${byAddress.email} belong to two other accounts ` +
          `(ids ${nameId} and ${addressId}): neither is made ADMIN. Choose a username and an email nobody holds`,
      );
      expect(await standing(byName, byAddress)).toEqual([`${byName.username}: FORBIDDEN`, `${byAddress.username}: FORBIDDEN`]);
    },
    PROCESS_TEST_MS,
  );

  it(
    'user:create --role ADMIN refuses a username that belongs to another account, and makes ADMIN only an account with both',
    async () => {
      const squatter = newAccount('squat');
      const owner = newAccount('owner');
      const [squatterId, ownerId] = await register(squatter, owner);
      const args = (account: Account) => ['--username', account.username, '--email', account.email, '--role', 'ADMIN'];

      const refused = await userCreate(args({ ...newAccount('ops'), username: squatter.username }), 'ops-password-1\n', target.env);
      expect(refused.code).toBe(1);
      expect(messageLines(refused.stderr).filter((line) => line.startsWith('user:create:'))).toEqual([
        `user:create: --username ${squatter.username} belongs to another account (id ${squatterId}) with another email: ` +
          `whoever registered it is not made ADMIN. Choose another --username, or give --email as that account's email if it is yours`,
      ]);

      // The owner's own username and email: promoted, and the password typed to the command is not applied.
      const promoted = await userCreate(args(owner), 'not-the-owners-password\n', target.env);
      expect(promoted).toMatchObject({ code: 0, stdout: expect.stringContaining(`made ${owner.username} ADMIN (id ${ownerId})`) });

      expect(await standing(squatter, owner, { ...owner, password: 'not-the-owners-password' })).toEqual([
        `${squatter.username}: FORBIDDEN`,
        `${owner.username}: ADMIN`,
        `${owner.username}: BAD_CREDENTIALS`,
      ]);
    },
    PROCESS_TEST_MS,
  );
});
