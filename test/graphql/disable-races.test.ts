import { describeOnPostgres } from '../support/databases';
import { SET_USER_DISABLED } from '../support/documents';
import { login, outcomeOf } from '../support/operations';
import { createTestApp, freshIp, registerAdmin, registerUser, type TestApp } from '../support/test-app';

/**
 * Disabling an account while it logs in: both lock the account's row and its sessions, and must
 * take them in the same order, or PostgreSQL ends one of them as a deadlock (an INTERNAL_SERVER_ERROR).
 * PGlite runs one statement at a time, so only PostgreSQL can interleave them.
 */
describeOnPostgres('disabling an account while it logs in', () => {
  let t: TestApp;
  beforeAll(async () => {
    // At the cap, every login also ends a session: it touches the sessions that disabling ends.
    t = await createTestApp('postgres', { MAX_SESSIONS: '2' });
  });
  afterAll(() => t.close());

  it('never deadlocks: each login succeeds or is refused, each disabling succeeds', async () => {
    const admin = await registerAdmin(t);
    const user = await registerUser(t, 'race');
    const outcomes = new Set<string>();
    for (let round = 0; round < 15; round++) {
      const enabled = await t.execute(SET_USER_DISABLED, { token: admin.accessToken, variables: { userId: user.id, disabled: false } });
      expect(outcomeOf(enabled)).toBe('OK');
      const logins = Array.from({ length: 4 }, () => login(t, user.username, user.password, { ip: freshIp() }));
      const disabled = t.execute(SET_USER_DISABLED, { token: admin.accessToken, variables: { userId: user.id, disabled: true } });
      const results = await Promise.all([...logins, disabled]);
      expect(outcomeOf(results[4]!)).toBe('OK');
      for (const result of results.slice(0, 4)) outcomes.add(outcomeOf(result));
    }
    expect([...outcomes].filter((outcome) => outcome !== 'OK' && outcome !== 'FORBIDDEN')).toEqual([]);
  });

  it("never deadlocks when the account is an ADMIN (disabling it locks every enabled ADMIN's row first), nor when two ADMINs are disabled at once", async () => {
    const admin = await registerAdmin(t);
    const [x, y] = [await registerAdmin(t), await registerAdmin(t)];
    const outcomes = new Set<string>();
    for (let round = 0; round < 10; round++) {
      for (const target of [x, y]) {
        expect(outcomeOf(await t.execute(SET_USER_DISABLED, { token: admin.accessToken, variables: { userId: target.id, disabled: false } }))).toBe('OK');
      }
      const logins = [x, y, x, y].map((target) => login(t, target.username, target.password, { ip: freshIp() }));
      const disabling = [x, y].map((target) => t.execute(SET_USER_DISABLED, { token: admin.accessToken, variables: { userId: target.id, disabled: true } }));
      const results = await Promise.all([...logins, ...disabling]);
      expect(results.slice(4).map(outcomeOf)).toEqual(['OK', 'OK']);
      for (const result of results.slice(0, 4)) outcomes.add(outcomeOf(result));
    }
    expect([...outcomes].filter((outcome) => outcome !== 'OK' && outcome !== 'FORBIDDEN')).toEqual([]);
  });
});
