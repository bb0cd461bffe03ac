import { DEFAULT_LIMITS, type LimitSettings } from '../../src/auth/limits/attempt-limiter';
import { databaseKinds, uniqueName } from '../support/databases';
import { LOGIN, REGISTER } from '../support/documents';
import { type HttpTestServer, payloadOf, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';

const ROUNDS = 25;

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

// Every guess below is wrong on purpose, many times over: limits would refuse them before the
// password is checked, and then there would be no timing left to compare. They have tests of their own.
const ROOMY: LimitSettings = {
  loginAccountIp: { ...DEFAULT_LIMITS.loginAccountIp, points: 1_000_000 },
  loginIp: { ...DEFAULT_LIMITS.loginIp, points: 1_000_000 },
  registerIp: DEFAULT_LIMITS.registerIp,
};

/** Can a stranger tell which usernames and emails have accounts? Not from login. */
describe.each(databaseKinds())('username enumeration through login on %s', (kind) => {
  let server: HttpTestServer;
  let account: ReturnType<typeof newAccount>;
  beforeAll(async () => {
    // Production's lowest cost (tests otherwise use 4): bcrypt dominates a login, as it does in
    // production, so a skipped comparison shows (medians ~1.0 apart as is; ~0.17 without the dummy hash).
    server = await startTestServer(kind, { env: { BCRYPT_COST: '10' }, limits: ROOMY });
    account = newAccount('enum');
    payloadOf(await server.graphql(REGISTER, { variables: { input: account } }), 'register');
  });
  afterAll(() => server.close());

  const attempt = (username: string) => server.graphql(LOGIN, { variables: { input: { username, password: 'a-wrong-password' } } });

  it('answers a wrong password, an unknown username and an unknown email with the very same body and status', async () => {
    const wrongPassword = await attempt(account.username);
    const unknownUser = await attempt(uniqueName('nobody'));
    const unknownEmail = await attempt(`${uniqueName('nobody')}@example.com`);
    expect(wrongPassword.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'BAD_CREDENTIALS' });
    expect(unknownUser).toEqual(wrongPassword);
    expect(unknownEmail).toEqual(wrongPassword);
  });

  it('takes as long for an unknown username as for a wrong password (medians of repeated attempts within 2×)', async () => {
    const time = async (username: string) => {
      const started = performance.now();
      await attempt(username);
      return performance.now() - started;
    };
    // Warm both paths, then interleave them so that any slowdown of the machine hits both alike.
    await time(account.username);
    await time(uniqueName('nobody'));
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      known.push(await time(account.username));
      unknown.push(await time(uniqueName('nobody')));
    }
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});
