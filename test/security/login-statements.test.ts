import { databaseKinds, openTestDatabase } from '../support/databases';
import { login, outcomeOf } from '../support/operations';
import { createTestApp, freshIp, registerUser, type TestApp } from '../support/test-app';

/**
 * What a login costs the database, in statements: recording it in the audit log must add none
 * (LOGGED_IN rides the statement that opens the session, LOGIN_FAILED one the failure's counting
 * runs). The figures are those of the service before the audit log existed.
 */
const STATEMENTS = { succeeded: 15, wrongPassword: 10, unknownName: 10 };

describe.each(databaseKinds())('the statements of a login on %s', (kind) => {
  let t: TestApp;
  const statements: string[] = [];
  beforeAll(async () => {
    t = await createTestApp(kind, {}, { database: await openTestDatabase(kind, (sql) => statements.push(sql)) });
  });
  afterAll(() => t.close());

  async function counted(run: () => Promise<unknown>): Promise<string[]> {
    // Whatever a sweep or an earlier request still runs is not this login's.
    t.clock.advance(1);
    statements.length = 0;
    await run();
    return [...statements];
  }

  it('as many as before the audit log, whether it succeeds or fails, and no statement of its own for the event', async () => {
    const user = await registerUser(t);
    const ip = freshIp();
    // A first login from the IP, so that every counter row exists as it will for the ones measured.
    expect(outcomeOf(await login(t, user.username, user.password, { ip }))).toBe('OK');
    const succeeded = await counted(async () => expect(outcomeOf(await login(t, user.username, user.password, { ip }))).toBe('OK'));
    const wrong = await counted(async () => expect(outcomeOf(await login(t, user.username, 'wrong-password', { ip }))).toBe('BAD_CREDENTIALS'));
    const unknown = await counted(async () => expect(outcomeOf(await login(t, `nobody_${user.username}`.slice(0, 32), 'wrong-password', { ip }))).toBe('BAD_CREDENTIALS'));
    expect({ succeeded: succeeded.length, wrongPassword: wrong.length, unknownName: unknown.length }).toEqual(STATEMENTS);
    for (const list of [succeeded, wrong, unknown]) expect(list.filter((sql) => /^insert into "audit_events"/i.test(sql))).toEqual([]);
  });
});
