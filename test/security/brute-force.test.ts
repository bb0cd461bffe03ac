import { eq } from 'drizzle-orm';
import { BcryptPool } from '../../src/auth/passwords/bcrypt-pool';
import { users } from '../../src/db/schema';
import { databaseKinds, uniqueName } from '../support/databases';
import { type HttpResult, LOGIN, REGISTER } from '../support/documents';
import { type HttpTestServer, payloadOf, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';
import { freshIp } from '../support/test-app';

const codeOf = (result: HttpResult) => String(result.body.errors?.[0]?.extensions?.['code'] ?? 'OK');
const retryAfterOf = (result: HttpResult) => Number(result.body.errors?.[0]?.extensions?.['retryAfter']);

function tally(results: readonly HttpResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) counts[codeOf(result)] = (counts[codeOf(result)] ?? 0) + 1;
  return counts;
}

/** Password guessing over HTTP, the ways a per-request rate limiter would not see. */
describe.each(databaseKinds())('brute force over HTTP on %s', (kind) => {
  let server: HttpTestServer;
  beforeAll(async () => {
    // Behind a proxy on loopback, so that each test guesses from a client IP of its own.
    server = await startTestServer(kind, { env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => server.close());
  afterEach(() => jest.restoreAllMocks());

  async function newUser() {
    const account = newAccount('brute');
    payloadOf(await server.graphql(REGISTER, { variables: { input: account }, headers: { 'x-forwarded-for': freshIp() } }), 'register');
    return account;
  }
  const loginFrom = (ip: string, username: string, password: string) =>
    server.graphql(LOGIN, { variables: { input: { username, password } }, headers: { 'x-forwarded-for': ip } });

  it('lets 50 parallel wrong logins run bcrypt 5 times: 5 BAD_CREDENTIALS, 45 RATE_LIMITED, then the right password is refused too', async () => {
    const account = await newUser();
    const ip = freshIp();
    const compare = jest.spyOn(BcryptPool.prototype, 'compare');
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => loginFrom(ip, account.username, `wrong-guess-${i}`)));
    expect(tally(results)).toEqual({ UNAUTHENTICATED: 5, RATE_LIMITED: 45 });
    // Every refusal names the block's 15 minutes, also those that raced past the limit before the
    // block was stored (they once said the counter's 90 days).
    const retryAfters = results.filter((r) => codeOf(r) === 'RATE_LIMITED').map((r) => Number(r.body.errors?.[0]?.extensions?.['retryAfter']));
    expect(retryAfters.filter((seconds) => !(seconds > 0 && seconds <= 900))).toEqual([]);
    expect(compare).toHaveBeenCalledTimes(5);
    expect(codeOf(await loginFrom(ip, account.username, account.password))).toBe('RATE_LIMITED');
    expect(compare).toHaveBeenCalledTimes(5);
  });

  it.each([6, 16])('lets %i parallel logins with the right password in, or tells the rest to retry within seconds: none is blocked', async (n) => {
    const account = await newUser();
    const ip = freshIp();
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all(Array.from({ length: n }, () => loginFrom(ip, account.username, account.password)));
      const refused = results.filter((r) => codeOf(r) !== 'OK');
      expect(refused.map(codeOf).filter((code) => code !== 'RATE_LIMITED')).toEqual([]);
      expect(refused.map(retryAfterOf).filter((seconds) => !(seconds >= 1 && seconds <= 5))).toEqual([]);
      expect(n - refused.length).toBeGreaterThanOrEqual(5);
    }
    expect(codeOf(await loginFrom(ip, account.username, account.password))).toBe('OK');
  });

  it("answers a wrong password for an account's email the same whether its username is blocked from that IP or not", async () => {
    const [bob, alice] = [await newUser(), await newUser()];
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expect(codeOf(await loginFrom(ip, bob.username, 'a-wrong-password'))).toBe('UNAUTHENTICATED');
    expect(codeOf(await loginFrom(ip, bob.username, 'a-wrong-password'))).toBe('RATE_LIMITED');
    const compare = jest.spyOn(BcryptPool.prototype, 'compare');
    const [bobs, alices] = [await loginFrom(ip, bob.email, 'a-wrong-password'), await loginFrom(ip, alice.email, 'a-wrong-password')];
    expect(alices.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'BAD_CREDENTIALS' });
    expect(bobs.body).toEqual(alices.body);
    // The same work too: each answer waited for one bcrypt comparison.
    expect(compare).toHaveBeenCalledTimes(2);
  });

  it('gives an account 5 guesses from one IP whichever of its names they use, also in parallel', async () => {
    const account = await newUser();
    const [row] = await server.database.db.select({ hash: users.passwordHash }).from(users).where(eq(users.username, account.username));
    const compare = jest.spyOn(BcryptPool.prototype, 'compare');
    const checksOfItsHash = () => compare.mock.calls.filter(([, hash]) => hash === row?.hash).length;
    const ip = freshIp();
    const names = [account.username, account.email, account.username.toUpperCase(), account.email.toUpperCase()];
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => loginFrom(ip, names[i % names.length]!, `wrong-guess-${i}`)));
    expect(results.filter((r) => codeOf(r) === 'OK')).toEqual([]);
    expect(checksOfItsHash()).toBe(5);
    // Neither name gets a 6th check of the password, the right one included.
    for (const name of [account.username, account.email]) expect(codeOf(await loginFrom(ip, name, account.password))).not.toBe('OK');
    expect(checksOfItsHash()).toBe(5);
    expect(codeOf(await loginFrom(freshIp(), account.email, account.password))).toBe('OK');
  });

  it.each([
    ['aliases', (n: number) => `mutation($i: LoginInput!) { ${Array.from({ length: n }, (_, k) => `a${k}: login(input: $i) { accessToken }`).join(' ')} }`],
    [
      'a fragment spread many times',
      (n: number) => `mutation($i: LoginInput!) { ${Array.from({ length: n }, (_, k) => `...F${k}`).join(' ')} }
        ${Array.from({ length: n }, (_, k) => `fragment F${k} on Mutation { l${k}: login(input: $i) { accessToken } }`).join(' ')}`,
    ],
    ['inline fragments', (n: number) => `mutation($i: LoginInput!) { ${Array.from({ length: n }, (_, k) => `... on Mutation { l${k}: login(input: $i) { accessToken } }`).join(' ')} }`],
    ['@skip on all but one', (n: number) => `mutation($i: LoginInput!) { ${Array.from({ length: n }, (_, k) => `a${k}: login(input: $i) @skip(if: ${k > 0}) { accessToken }`).join(' ')} }`],
  ])('refuses a request holding 2 or 40 logins through %s, whole and before any password is checked', async (_, build) => {
    const account = await newUser();
    const ip = freshIp();
    const compare = jest.spyOn(BcryptPool.prototype, 'compare');
    for (const n of [2, 40]) {
      const result = await server.graphql(build(n), { variables: { i: { username: account.username, password: account.password } }, headers: { 'x-forwarded-for': ip } });
      expect(result.status).toBe(400);
      expect(result.body.data).toBeUndefined();
      expect(result.body.errors?.map((e) => e.extensions?.['code'])).toContain('GRAPHQL_VALIDATION_FAILED');
      expect(result.body.errors?.some((e) => /one `login` field/.test(e.message))).toBe(true);
    }
    expect(compare).not.toHaveBeenCalled();
    // Nothing was counted either: four failures and the right password still get in.
    for (let i = 0; i < 4; i++) expect(codeOf(await loginFrom(ip, account.username, 'a-wrong-password'))).toBe('UNAUTHENTICATED');
    expect(codeOf(await loginFrom(ip, account.username, account.password))).toBe('OK');
  });

  it('refuses 1000 aliased logins at parsing, over the token limit', async () => {
    const compare = jest.spyOn(BcryptPool.prototype, 'compare');
    const query = `mutation($i: LoginInput!) { ${Array.from({ length: 1000 }, (_, k) => `a${k}: login(input: $i) { accessToken }`).join(' ')} }`;
    const result = await server.graphql(query, { variables: { i: { username: 'anyone', password: 'any-password' } }, headers: { 'x-forwarded-for': freshIp() } });
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_PARSE_FAILED');
    expect(compare).not.toHaveBeenCalled();
  });

  it('refuses a batch (a JSON array of operations) with 400 and runs none of it', async () => {
    const account = await newUser();
    const compare = jest.spyOn(BcryptPool.prototype, 'compare');
    const operation = { query: LOGIN, variables: { input: { username: account.username, password: account.password } } };
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': freshIp() },
      body: JSON.stringify(Array.from({ length: 10 }, () => operation)),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ message: 'Operation batching disabled.' }] });
    expect(compare).not.toHaveBeenCalled();
  });

  it('blocks a spray of one password over many usernames from one IP after 100 failures', async () => {
    const ip = freshIp();
    const sprayed = await Promise.all(Array.from({ length: 100 }, () => loginFrom(ip, uniqueName('sprayed'), 'Summer2026!')));
    expect(tally(sprayed)).toEqual({ UNAUTHENTICATED: 100 });
    const account = await newUser();
    expect(codeOf(await loginFrom(ip, account.username, account.password))).toBe('RATE_LIMITED');
  });
});
