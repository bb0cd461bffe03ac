import { sql } from 'drizzle-orm';
import { openDatabase } from '../../src/db/client';
import { databaseKinds, describeOnPostgres } from '../support/databases';
import { AUDIT_EVENTS, DELETE_ACCOUNT, DELETE_USER, type GraphQLResult, ME, REGISTER, SET_USER_DISABLED, SET_USER_ROLE } from '../support/documents';
import { accessOutcome, expectOnlyError, outcomeOf, refreshOutcome } from '../support/operations';
import { createTestApp, freshIp, registerAdmin, registerUser, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait-for';
import { startTwoInstances, type TwoInstances } from '../support/two-instances';

type EventNode = { action: string; userId: string | null; actorId: string | null; ip: string | null; userAgent: string | null };
const nodesOf = (result: GraphQLResult) => (result.data!['auditEvents'] as { edges: { node: EventNode }[] }).edges.map((e) => e.node);

describe.each(databaseKinds())('deleting accounts on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  it('refuses a wrong current password and deletes nothing', async () => {
    const user = await registerUser(t);
    expectOnlyError(await t.execute(DELETE_ACCOUNT, { token: user.accessToken, variables: { currentPassword: 'not-the-password' } }), ['deleteAccount'], {
      code: 'BAD_USER_INPUT',
      field: 'currentPassword',
    });
    expect(await accessOutcome(t, user.accessToken)).toBe('OK');
  });

  it('deletes the account: its tokens stop at once, its names are free, its events stay without IP or agent', async () => {
    const [user, admin] = [await registerUser(t), await registerAdmin(t)];
    expect(await t.execute(DELETE_ACCOUNT, { token: user.accessToken, variables: { currentPassword: user.password } })).toEqual({ data: { deleteAccount: true } });
    expect(await accessOutcome(t, user.accessToken)).toBe('TOKEN_REVOKED');
    expect(await refreshOutcome(t, user.refreshToken)).toBe('REFRESH_TOKEN_INVALID');
    const again = await t.execute(REGISTER, { ip: freshIp(), variables: { input: { username: user.username, email: user.email, password: user.password } } });
    expect(outcomeOf(again)).toBe('OK');
    const events = nodesOf(await t.execute(AUDIT_EVENTS, { token: admin.accessToken, variables: { userId: user.id } }));
    expect(events.map((e) => e.action)).toContain('ACCOUNT_DELETED');
    expect(events.map((e) => e.action)).toContain('REGISTERED');
    expect(events.every((e) => e.userId === user.id && e.ip === null && e.userAgent === null)).toBe(true);
  });

  it("lets an ADMIN delete anyone, recorded with the ADMIN as actor; an unknown id is BAD_USER_INPUT", async () => {
    const [user, admin] = [await registerUser(t), await registerAdmin(t)];
    const ip = freshIp();
    expect(await t.execute(DELETE_USER, { token: admin.accessToken, ip, variables: { userId: user.id } })).toEqual({ data: { deleteUser: true } });
    expect(await accessOutcome(t, user.accessToken)).toBe('TOKEN_REVOKED');
    const deleted = nodesOf(await t.execute(AUDIT_EVENTS, { token: admin.accessToken, variables: { userId: user.id } })).find((e) => e.action === 'ACCOUNT_DELETED');
    expect(deleted).toMatchObject({ userId: user.id, actorId: admin.id, ip });
    expectOnlyError(await t.execute(DELETE_USER, { token: admin.accessToken, variables: { userId: user.id } }), ['deleteUser'], { code: 'BAD_USER_INPUT', field: 'userId' });
  });

  it('refuses a USER deleting another', async () => {
    const [user, other] = [await registerUser(t), await registerUser(t)];
    expectOnlyError(await t.execute(DELETE_USER, { token: user.accessToken, variables: { userId: other.id } }), ['deleteUser'], { code: 'FORBIDDEN' });
    expect(await accessOutcome(t, other.accessToken)).toBe('OK');
  });
});

describe.each(databaseKinds())('the last ADMIN on %s', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind);
  });
  afterEach(() => t.close());

  it('cannot be demoted, disabled or deleted while it is the only enabled one: CONFLICT, nothing changed', async () => {
    const admin = await registerAdmin(t);
    const conflict = { code: 'CONFLICT' };
    expectOnlyError(await t.execute(SET_USER_ROLE, { token: admin.accessToken, variables: { userId: admin.id, role: 'USER' } }), ['setUserRole'], conflict);
    expectOnlyError(await t.execute(SET_USER_DISABLED, { token: admin.accessToken, variables: { userId: admin.id, disabled: true } }), ['setUserDisabled'], conflict);
    expectOnlyError(await t.execute(DELETE_USER, { token: admin.accessToken, variables: { userId: admin.id } }), ['deleteUser'], conflict);
    expectOnlyError(await t.execute(DELETE_ACCOUNT, { token: admin.accessToken, variables: { currentPassword: admin.password } }), ['deleteAccount'], conflict);
    expect(await accessOutcome(t, admin.accessToken)).toBe('OK');
    const events = nodesOf(await t.execute(AUDIT_EVENTS, { token: admin.accessToken, variables: { userId: admin.id } })).map((e) => e.action);
    expect(events).not.toContain('DISABLED');
    expect(events).not.toContain('ACCOUNT_DELETED');
  });

  it('can be demoted once another enabled ADMIN exists, and a disabled ADMIN does not count', async () => {
    const [first, second] = [await registerAdmin(t), await registerAdmin(t)];
    expect(outcomeOf(await t.execute(SET_USER_DISABLED, { token: first.accessToken, variables: { userId: second.id, disabled: true } }))).toBe('OK');
    expectOnlyError(await t.execute(SET_USER_ROLE, { token: first.accessToken, variables: { userId: first.id, role: 'USER' } }), ['setUserRole'], { code: 'CONFLICT' });
    expect(outcomeOf(await t.execute(SET_USER_DISABLED, { token: first.accessToken, variables: { userId: second.id, disabled: false } }))).toBe('OK');
    expect(outcomeOf(await t.execute(SET_USER_ROLE, { token: first.accessToken, variables: { userId: first.id, role: 'USER' } }))).toBe('OK');
  });

  it('of two ADMINs demoting each other at the same moment, exactly one succeeds', async () => {
    const [a, b] = [await registerAdmin(t), await registerAdmin(t)];
    const results = await Promise.all([
      t.execute(SET_USER_ROLE, { token: a.accessToken, variables: { userId: b.id, role: 'USER' } }),
      t.execute(SET_USER_ROLE, { token: b.accessToken, variables: { userId: a.id, role: 'USER' } }),
    ]);
    expect(results.map(outcomeOf).sort()).toEqual(['CONFLICT', 'OK']);
  });
});

describeOnPostgres('deletion across two instances on one PostgreSQL database', () => {
  let instances: TwoInstances;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    instances = await startTwoInstances();
    ({ a, b } = instances);
  });
  afterAll(() => instances?.close());

  it("stops the account's access tokens on the other instance, and on one that starts afterwards", async () => {
    const [user, admin] = [await registerUser(a), await registerAdmin(a)];
    expect(await accessOutcome(b, user.accessToken)).toBe('OK');
    expect(outcomeOf(await a.execute(DELETE_USER, { token: admin.accessToken, variables: { userId: user.id } }))).toBe('OK');
    await waitFor(async () => (await accessOutcome(b, user.accessToken)) === 'TOKEN_REVOKED', 'token refused on instance B');
    const late = await createTestApp('postgres', {}, { database: await openDatabase({ kind: 'postgres', url: instances.url, maxConnections: 2 }), clock: a.clock });
    try {
      expect(outcomeOf(await late.execute(ME, { token: user.accessToken }))).toBe('TOKEN_REVOKED');
    } finally {
      await late.close();
    }
  });

  it('of two ADMINs demoting each other at once on two instances, exactly one succeeds', async () => {
    const [x, y] = [await registerAdmin(a), await registerAdmin(a)];
    // Every other ADMIN of this database is demoted first, so x and y are the last two.
    await a.app.database.db.execute(sql`update users set role = 'USER' where role = 'ADMIN' and id not in (${x.id}::uuid, ${y.id}::uuid)`);
    const results = await Promise.all([
      a.execute(SET_USER_ROLE, { token: x.accessToken, variables: { userId: y.id, role: 'USER' } }),
      b.execute(SET_USER_ROLE, { token: y.accessToken, variables: { userId: x.id, role: 'USER' } }),
    ]);
    expect(results.map(outcomeOf).sort()).toEqual(['CONFLICT', 'OK']);
  });
});
