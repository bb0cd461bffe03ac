import { Redis } from 'ioredis';
import { IN_FLIGHT_RETRY_SECONDS } from '../../src/auth/limits/attempt-gate';
import { BcryptPool } from '../../src/auth/passwords/bcrypt-pool';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { openDatabase } from '../../src/db/client';
import { describeOnPostgres, uniqueName } from '../support/databases';
import type { GraphQLResult } from '../support/documents';
import { FakeClock } from '../support/fake-clock';
import { login, outcomeOf } from '../support/operations';
import { REDIS_URL, redisAvailable } from '../support/redis';
import { createTestApp, freshIp, registerUser, TEST_SECRET, type TestApp } from '../support/test-app';
import { startTwoInstances, type TwoInstances } from '../support/two-instances';

const onRedis = redisAvailable() ? describe : describe.skip;

const tally = (results: readonly GraphQLResult[]) => {
  const counts: Record<string, number> = {};
  for (const result of results) counts[outcomeOf(result)] = (counts[outcomeOf(result)] ?? 0) + 1;
  return counts;
};

/** Parallel logins of `user` with the right password from one IP, over `instances` in turn: each one's outcome. */
async function parallelLogins(instances: readonly TestApp[], user: { username: string; password: string }, n: number, ip: string): Promise<GraphQLResult[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => login(instances[i % instances.length]!, user.username, user.password, { ip })));
}

/** Those not let in are told to retry in seconds: the others were being checked, none failed. */
function expectOnlyShortWaits(results: readonly GraphQLResult[]): void {
  const refused = results.filter((result) => outcomeOf(result) !== 'OK');
  expect(refused.map((result) => result.errors?.[0]?.extensions)).toEqual(refused.map(() => ({ code: 'RATE_LIMITED', retryAfter: IN_FLIGHT_RETRY_SECONDS })));
  expect(results.length - refused.length).toBeGreaterThanOrEqual(5);
}

/** An attacker spreading guesses over the instances behind a load balancer gains nothing. */
describeOnPostgres('limits across two instances on one PostgreSQL database', () => {
  let instances: TwoInstances;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    instances = await startTwoInstances();
    ({ a, b } = instances);
  });
  afterAll(() => instances?.close());

  it('blocks the 6th attempt of a pair whose 5 failures were spread over both', async () => {
    const user = await registerUser(a);
    const ip = freshIp();
    for (const instance of [a, b, a, b, a]) expect(outcomeOf(await login(instance, user.username, 'a-wrong-password', { ip }))).toBe('BAD_CREDENTIALS');
    expect(outcomeOf(await login(b, user.username, user.password, { ip }))).toBe('RATE_LIMITED');
    expect(outcomeOf(await login(a, user.username, user.password, { ip }))).toBe('RATE_LIMITED');
  });

  it('lets 5 of 50 parallel guesses through when they are spread over both', async () => {
    const user = await registerUser(a);
    const ip = freshIp();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => login(i % 2 ? a : b, user.username, `guess-${i}`, { ip })));
    expect(tally(results)).toEqual({ BAD_CREDENTIALS: 5, RATE_LIMITED: 45 });
  });

  it.each([6, 16])('lets %i parallel logins with the right password spread over both in, or has them retry in seconds', async (n) => {
    const user = await registerUser(a);
    const ip = freshIp();
    for (let round = 0; round < 3; round++) expectOnlyShortWaits(await parallelLogins([a, b], user, n, ip));
    expect(outcomeOf(await login(b, user.username, user.password, { ip }))).toBe('OK');
  });
});

/** With REDIS_URL, the counters live in Redis: instances share them whatever their databases. */
onRedis('limits in Redis, shared by two instances on two databases', () => {
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    a = await createTestApp('pglite', { REDIS_URL });
    b = await createTestApp('pglite', { REDIS_URL });
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    redis?.disconnect();
  });

  it('blocks the 6th attempt of a pair whose 5 failures were spread over both', async () => {
    // An unknown name: the two databases share no user, but the counters are keyed the same.
    const name = uniqueName('redis');
    const ip = freshIp();
    for (const instance of [a, b, a, b, a]) expect(outcomeOf(await login(instance, name, 'a-wrong-password', { ip }))).toBe('BAD_CREDENTIALS');
    const refused = await login(b, name, 'a-wrong-password', { ip });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 900 });
  });

  it('counts atomically: 5 of 50 parallel guesses over both instances get through', async () => {
    const name = uniqueName('redis');
    const ip = freshIp();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => login(i % 2 ? a : b, name, `guess-${i}`, { ip })));
    expect(tally(results)).toEqual({ BAD_CREDENTIALS: 5, RATE_LIMITED: 45 });
  });

  it.each([6, 16])('lets %i parallel logins with the right password in, or has them retry in seconds', async (n) => {
    const user = await registerUser(a);
    const ip = freshIp();
    for (let round = 0; round < 3; round++) expectOnlyShortWaits(await parallelLogins([a], user, n, ip));
    expect(outcomeOf(await login(a, user.username, user.password, { ip }))).toBe('OK');
  });

  it("answers a wrong password for an account's email the same whether its username is blocked from that IP or not", async () => {
    const [bob, alice] = [await registerUser(a), await registerUser(a)];
    const ip = freshIp();
    for (let i = 0; i < 5; i++) await login(a, bob.username, 'a-wrong-password', { ip });
    expect(outcomeOf(await login(a, bob.username, 'a-wrong-password', { ip }))).toBe('RATE_LIMITED');
    const [bobs, alices] = [await login(a, bob.email, 'a-wrong-password', { ip }), await login(a, alice.email, 'a-wrong-password', { ip })];
    expect(outcomeOf(alices)).toBe('BAD_CREDENTIALS');
    expect(bobs).toEqual(alices);
  });

  it('leaves every key with an expiry, so Redis forgets them by itself', async () => {
    const name = uniqueName('redis');
    const ip = freshIp();
    await login(a, name, 'a-wrong-password', { ip });
    const keys = (await redis.keys(`*${ip}*`)).sort();
    // Per name, per account (a name no account has stands for one), per IP, and each one's attempts in flight.
    expect(keys.map((key) => key.replace(/\|\d+$/, '|<slot>'))).toEqual(
      [
        `login_account_ip:name:${name}|${ip}`,
        `login_account_ip_in_flight:name:${name}|${ip}|<slot>`,
        `login_ip:${ip}`,
        `login_ip_in_flight:${ip}|<slot>`,
        `login_name_ip:${name}|${ip}`,
        `login_name_ip_in_flight:${name}|${ip}|<slot>`,
      ].sort(),
    );
    const ttls = Object.fromEntries(await Promise.all(keys.map(async (key) => [key.split(':')[0], await redis.pttl(key)] as const)));
    expect(ttls['login_name_ip']).toBeGreaterThan(89 * 86_400_000);
    expect(ttls['login_account_ip']).toBeGreaterThan(89 * 86_400_000);
    expect(ttls['login_ip']).toBeGreaterThan(86_400_000 - 60_000);
    for (const flights of ['login_name_ip_in_flight', 'login_account_ip_in_flight', 'login_ip_in_flight']) expect(ttls[flights]).toBeGreaterThan(170_000);
  });
});

describe('a REDIS_URL where nothing answers', () => {
  it('stops start-up with a message naming REDIS_URL, leaving no bcrypt thread behind', async () => {
    const database = await openDatabase({ kind: 'pglite', dataDir: undefined });
    const closed = jest.spyOn(BcryptPool.prototype, 'close');
    try {
      // Port 1 on loopback: nothing listens there, and the refusal comes at once.
      const config = loadConfig({ NODE_ENV: 'test', BCRYPT_COST: '4', REDIS_URL: 'redis://127.0.0.1:1' });
      await expect(createApp({ config, jwtSecret: TEST_SECRET, database, clock: new FakeClock() })).rejects.toThrow(/^REDIS_URL: cannot connect to Redis/);
      expect(closed).toHaveBeenCalledTimes(1);
    } finally {
      closed.mockRestore();
      await database.close();
    }
  });
});
