import { BcryptPool } from '../../src/auth/passwords/bcrypt-pool';
import { databaseKinds, uniqueName } from '../support/databases';
import type { GraphQLResult } from '../support/documents';
import { createTestApp, freshIp, registerUser, type TestApp } from '../support/test-app';
import { login, outcomeOf } from '../support/operations';

const CHANGE_PASSWORD = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { accessToken } }`;
const retryAfterOf = (result: GraphQLResult) => result.errors?.[0]?.extensions?.['retryAfter'];

/** Guessing passwords, one request at a time: the counts and blocks of logins and registrations. */
describe.each(databaseKinds())('login and register limits on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  it('refuses the 6th attempt after 5 consecutive failures, the right password included, for 15 minutes, without running bcrypt', async () => {
    const user = await registerUser(t);
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expect(outcomeOf(await login(t, user.username, 'a-wrong-password', { ip }))).toBe('BAD_CREDENTIALS');

    const compare = jest.spyOn(BcryptPool.prototype, 'compare');
    const sixth = await login(t, user.username, user.password, { ip });
    expect(sixth.data).toBeNull();
    expect(sixth.errors).toHaveLength(1);
    expect(sixth.errors?.[0]).toMatchObject({ path: ['login'], extensions: { code: 'RATE_LIMITED' } });
    expect(retryAfterOf(sixth)).toBeGreaterThan(15 * 60 - 30);
    expect(retryAfterOf(sixth)).toBeLessThanOrEqual(15 * 60);
    expect(compare).not.toHaveBeenCalled();
  });

  it('gives an account 5 guesses from one IP by username and email in any case: a 6th by either is not checked, the right password included', async () => {
    const user = await registerUser(t);
    const ip = freshIp();
    for (const name of [user.username, user.email, user.username.toUpperCase(), user.email.toUpperCase(), user.username]) {
      expect(outcomeOf(await login(t, name, 'a-wrong-password', { ip }))).toBe('BAD_CREDENTIALS');
    }
    // Neither name has had 5 failures of its own, so neither says RATE_LIMITED: that would tell whose email it is.
    expect(outcomeOf(await login(t, user.email, user.password, { ip }))).toBe('BAD_CREDENTIALS');
    expect(outcomeOf(await login(t, user.username, user.password, { ip }))).toBe('BAD_CREDENTIALS');
    expect(outcomeOf(await login(t, user.email, user.password, { ip: freshIp() }))).toBe('OK');
  });

  it('blocks only that account from that IP: the account elsewhere, and other accounts there, still log in', async () => {
    const [user, neighbour] = [await registerUser(t), await registerUser(t)];
    const ip = freshIp();
    for (let i = 0; i < 5; i++) await login(t, user.username, 'a-wrong-password', { ip });
    expect(outcomeOf(await login(t, user.username, user.password, { ip }))).toBe('RATE_LIMITED');
    expect(outcomeOf(await login(t, user.username, user.password, { ip: freshIp() }))).toBe('OK');
    expect(outcomeOf(await login(t, neighbour.username, neighbour.password, { ip }))).toBe('OK');
  });

  it('starts the count again after a success: failures around a success never block', async () => {
    const user = await registerUser(t);
    const ip = freshIp();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) expect(outcomeOf(await login(t, user.username, 'a-wrong-password', { ip }))).toBe('BAD_CREDENTIALS');
      expect(outcomeOf(await login(t, user.username, user.password, { ip }))).toBe('OK');
    }
  });

  it('gives an unknown username the same count and the same refusal as a known one', async () => {
    const [known, unknown] = [await registerUser(t), uniqueName('ghost')];
    const ip = freshIp();
    for (let i = 0; i < 5; i++) {
      await login(t, known.username, 'a-wrong-password', { ip });
      await login(t, unknown, 'a-wrong-password', { ip });
    }
    const [blockedKnown, blockedUnknown] = [await login(t, known.username, 'a-wrong-password', { ip }), await login(t, unknown, 'a-wrong-password', { ip })];
    expect(outcomeOf(blockedKnown)).toBe('RATE_LIMITED');
    expect(blockedUnknown.errors?.[0]?.message).toBe(blockedKnown.errors?.[0]?.message);
    expect(blockedUnknown.errors?.[0]?.extensions?.['code']).toBe('RATE_LIMITED');
  });

  it("counts a wrong currentPassword in changePassword as a failed login of the account from the caller's IP", async () => {
    const user = await registerUser(t);
    const ip = freshIp();
    for (let i = 0; i < 5; i++) {
      const wrong = await t.execute(CHANGE_PASSWORD, { token: user.accessToken, ip, variables: { input: { currentPassword: `wrong-${i}`, newPassword: 'a-brand-new-password' } } });
      expect(wrong.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'currentPassword' });
    }
    const right = await t.execute(CHANGE_PASSWORD, { token: user.accessToken, ip, variables: { input: { currentPassword: user.password, newPassword: 'a-brand-new-password' } } });
    expect(right.errors?.[0]?.extensions?.['code']).toBe('RATE_LIMITED');
    // The account has no guess left from that IP: a login there is not checked (and, as for any name, not said blocked).
    expect(outcomeOf(await login(t, user.username, user.password, { ip }))).toBe('BAD_CREDENTIALS');
    // The password did not change: the old one still works from elsewhere.
    expect(outcomeOf(await login(t, user.username, user.password, { ip: freshIp() }))).toBe('OK');
  });

  it("blocks an IP's logins for a day after 100 failures there, whatever the accounts; other IPs are untouched", async () => {
    const user = await registerUser(t);
    const ip = freshIp();
    // 20 names × 5 failures: each pair reaches its own limit only with its 5th failure.
    for (let name = 0; name < 20; name++) {
      const ghost = uniqueName('spray');
      for (let i = 0; i < 5; i++) expect(outcomeOf(await login(t, ghost, 'a-wrong-password', { ip }))).toBe('BAD_CREDENTIALS');
    }
    const blocked = await login(t, user.username, user.password, { ip });
    expect(outcomeOf(blocked)).toBe('RATE_LIMITED');
    expect(retryAfterOf(blocked)).toBeGreaterThan(86_400 - 60);
    expect(retryAfterOf(blocked)).toBeLessThanOrEqual(86_400);
    expect(outcomeOf(await login(t, user.username, user.password, { ip: freshIp() }))).toBe('OK');
  });

  it('gives successes their IP point back: 105 logins from one IP, none refused', async () => {
    const user = await registerUser(t);
    const ip = freshIp();
    for (let i = 0; i < 105; i++) expect(outcomeOf(await login(t, user.username, user.password, { ip }))).toBe('OK');
  });

  it('allows 10 registrations per IP per hour: the 11th is refused, other IPs are not', async () => {
    const ip = freshIp();
    const register = (from: string) => {
      const username = uniqueName('burst');
      return t.execute('mutation($input: RegisterInput!) { register(input: $input) { accessToken } }', {
        ip: from,
        variables: { input: { username, email: `${username}@example.com`, password: 'a-good-password' } },
      });
    };
    for (let i = 0; i < 10; i++) expect(outcomeOf(await register(ip))).toBe('OK');
    const eleventh = await register(ip);
    expect(eleventh.errors?.[0]).toMatchObject({ path: ['register'], extensions: { code: 'RATE_LIMITED' } });
    expect(retryAfterOf(eleventh)).toBeGreaterThan(3600 - 60);
    expect(retryAfterOf(eleventh)).toBeLessThanOrEqual(3600);
    expect(outcomeOf(await register(freshIp()))).toBe('OK');
  });
});

/** The counters' windows follow the app's clock: moving it shows a block end, at the time it said. */
describe.each(databaseKinds())('when a block ends, on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  it('lets the account log in again from that IP 15 minutes after the 5th failure, not a second sooner', async () => {
    const user = await registerUser(t);
    const ip = freshIp();
    for (let i = 0; i < 5; i++) await login(t, user.username, 'a-wrong-password', { ip });
    t.clock.advance(15 * 60_000 - 1_000);
    const refused = await login(t, user.username, user.password, { ip });
    expect(outcomeOf(refused)).toBe('RATE_LIMITED');
    expect(retryAfterOf(refused)).toBe(1);
    t.clock.advance(1_000);
    expect(outcomeOf(await login(t, user.username, user.password, { ip }))).toBe('OK');
  });

  it('lets the IP log in again a day after its 100th failure', async () => {
    const user = await registerUser(t);
    const ip = freshIp();
    for (let name = 0; name < 25; name++) {
      const ghost = uniqueName('spray');
      for (let i = 0; i < 4; i++) await login(t, ghost, 'a-wrong-password', { ip });
    }
    t.clock.advance(86_400_000 - 1_000);
    expect(retryAfterOf(await login(t, user.username, user.password, { ip }))).toBe(1);
    t.clock.advance(1_000);
    expect(outcomeOf(await login(t, user.username, user.password, { ip }))).toBe('OK');
  });
});
