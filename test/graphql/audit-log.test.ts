import { databaseKinds, openTestDatabase } from '../support/databases';
import { AUDIT_EVENTS, USERS_AUDIT_EVENTS, type GraphQLResult, LOGOUT_ALL, MY_AUDIT_EVENTS, SET_USER_DISABLED, SET_USER_ROLE, USER_AUDIT_EVENTS } from '../support/documents';
import { expectOnlyError, login, outcomeOf, pairOf } from '../support/operations';
import { REDIS_URL, redisAvailable } from '../support/redis';
import { createTestApp, freshIp, registerAdmin, registerUser, type TestApp } from '../support/test-app';

interface EventNode {
  readonly id: string;
  readonly action: string;
  readonly at: string;
  readonly userId: string | null;
  readonly actorId: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
}
type Connection = { edges: { cursor: string; node: EventNode }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

describe.each(databaseKinds())('the audit log on %s', (kind) => {
  let t: TestApp;
  const statements: string[] = [];
  beforeAll(async () => {
    t = await createTestApp(kind, {}, { database: await openTestDatabase(kind, (sql) => statements.push(sql)) });
  });
  afterAll(() => t.close());

  const mine = async (token: string, first = 50): Promise<Connection> => {
    const result = await t.execute(MY_AUDIT_EVENTS, { token, variables: { first } });
    expect(result.errors).toBeUndefined();
    return (result.data!['me'] as { auditEvents: Connection }).auditEvents;
  };
  const actions = (page: Connection) => page.edges.map((e) => e.node.action);

  it('records registering and signing in, newest first, with the IP and agent of each', async () => {
    const user = await registerUser(t);
    t.clock.advance(1000);
    const ip = freshIp();
    const pair = pairOf(await login(t, user.username, user.password, { ip }), 'login');
    const page = await mine(pair.accessToken);
    // Registering and its first session share their instant: they read back in the order they were recorded.
    expect(actions(page)).toEqual(['LOGGED_IN', 'LOGGED_IN', 'REGISTERED']);
    expect(page.edges[0]!.node).toMatchObject({ userId: user.id, actorId: user.id, ip, userAgent: 'jest' });
    expect(page.edges.find((e) => e.node.action === 'REGISTERED')!.node).toMatchObject({ userId: user.id, actorId: user.id, ip: user.ip });
  });

  it('records a failed login of an account with its id, and one of an unknown name with none and no trace of the name', async () => {
    const user = await registerUser(t);
    const ip = freshIp();
    await login(t, user.username, 'wrong-password-here', { ip });
    const ghost = `nobody_${Date.now()}`;
    await login(t, ghost, 'typed-in-the-wrong-box', { ip });
    const admin = await registerAdmin(t);
    const all = await t.execute(AUDIT_EVENTS, { token: admin.accessToken, variables: { first: 100 } });
    const nodes = (all.data!['auditEvents'] as Connection).edges.map((e) => e.node);
    const failed = nodes.filter((n) => n.action === 'LOGIN_FAILED' && n.ip === ip);
    expect(failed.map((n) => n.userId).sort()).toEqual([user.id, null].sort());
    expect(JSON.stringify(nodes)).not.toContain(ghost);
    expect(JSON.stringify(nodes)).not.toContain('typed-in-the-wrong-box');
  });

  it('records role changes, disabling and enabling with the ADMIN as actor', async () => {
    const [admin, user] = [await registerAdmin(t), await registerUser(t)];
    const ip = freshIp();
    t.clock.advance(1000);
    expect(outcomeOf(await t.execute(SET_USER_ROLE, { token: admin.accessToken, ip, variables: { userId: user.id, role: 'ADMIN' } }))).toBe('OK');
    t.clock.advance(1000);
    expect(outcomeOf(await t.execute(SET_USER_DISABLED, { token: admin.accessToken, ip, variables: { userId: user.id, disabled: true } }))).toBe('OK');
    t.clock.advance(1000);
    expect(outcomeOf(await t.execute(SET_USER_DISABLED, { token: admin.accessToken, ip, variables: { userId: user.id, disabled: false } }))).toBe('OK');
    const result = await t.execute(USER_AUDIT_EVENTS, { token: admin.accessToken, variables: { id: user.id, first: 3 } });
    const nodes = (result.data!['user'] as { auditEvents: Connection }).auditEvents.edges.map((e) => e.node);
    expect(nodes.map((n) => [n.action, n.actorId, n.ip])).toEqual([
      ['ENABLED', admin.id, ip],
      ['DISABLED', admin.id, ip],
      ['ROLE_CHANGED', admin.id, ip],
    ]);
  });

  it('reads events of one instant back in the order they happened, on every page', async () => {
    const user = await registerUser(t);
    // The clock stands still: every event below has the same `at`.
    for (let i = 0; i < 4; i += 1) {
      const pair = pairOf(await login(t, user.username, user.password), 'login');
      expect(outcomeOf(await t.execute(LOGOUT_ALL, { token: pair.accessToken }))).toBe('OK');
    }
    const expected = [...Array.from({ length: 4 }, () => ['LOGGED_OUT_EVERYWHERE', 'LOGGED_IN']).flat(), 'LOGGED_IN', 'REGISTERED'];
    const last = pairOf(await login(t, user.username, user.password), 'login');
    expect(actions(await mine(last.accessToken)).slice(1)).toEqual(expected);

    const walked: string[] = [];
    let after: string | null = null;
    do {
      const result = await t.execute(MY_AUDIT_EVENTS, { token: last.accessToken, variables: { first: 3, after } });
      const page = (result.data!['me'] as { auditEvents: Connection }).auditEvents;
      walked.push(...actions(page));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after !== null);
    expect(walked).toEqual(['LOGGED_IN', ...expected]);
  });

  it('pages with opaque cursors and refuses a bad one or a bad first', async () => {
    const user = await registerUser(t);
    for (let i = 0; i < 3; i += 1) {
      t.clock.advance(1000);
      await login(t, user.username, user.password);
    }
    const all = await mine(user.accessToken);
    const first = await t.execute(MY_AUDIT_EVENTS, { token: user.accessToken, variables: { first: 2 } });
    const page = (first.data!['me'] as { auditEvents: Connection }).auditEvents;
    expect(page.pageInfo.hasNextPage).toBe(true);
    const second = await t.execute(MY_AUDIT_EVENTS, { token: user.accessToken, variables: { first: 2, after: page.pageInfo.endCursor } });
    const next = (second.data!['me'] as { auditEvents: Connection }).auditEvents;
    expect([...page.edges, ...next.edges].map((e) => e.node.id)).toEqual(all.edges.slice(0, 4).map((e) => e.node.id));
    expectOnlyError(await t.execute(MY_AUDIT_EVENTS, { token: user.accessToken, variables: { first: 2, after: 'bm90IGEgY3Vyc29y' } }), ['me', 'auditEvents'], {
      code: 'BAD_USER_INPUT',
      field: 'after',
    });
    expectOnlyError(await t.execute(MY_AUDIT_EVENTS, { token: user.accessToken, variables: { first: 101 } }), ['me', 'auditEvents'], { code: 'BAD_USER_INPUT', field: 'first' });
  });

  it("denies a USER another's events and the whole log", async () => {
    const [user, other] = [await registerUser(t), await registerUser(t)];
    expectOnlyError(await t.execute(USER_AUDIT_EVENTS, { token: user.accessToken, variables: { id: other.id } }), ['user', 'auditEvents'], { code: 'FORBIDDEN' });
    expectOnlyError(await t.execute(AUDIT_EVENTS, { token: user.accessToken }), ['auditEvents'], { code: 'FORBIDDEN' });
  });

  it('records nothing for a change that was rolled back', async () => {
    const user = await registerUser(t);
    const before = actions(await mine(user.accessToken));
    // The cut-off's announcement fails after the event was written in the same transaction.
    const original = t.app.database.db.transaction.bind(t.app.database.db);
    let failing = true;
    (t.app.database.db as { transaction: unknown }).transaction = async (work: (tx: unknown) => Promise<unknown>) =>
      original(async (tx) => {
        const done = await work(tx);
        if (failing) throw new Error('forced failure after the writes');
        return done;
      });
    let result: GraphQLResult;
    try {
      result = await t.execute(LOGOUT_ALL, { token: user.accessToken });
    } finally {
      failing = false;
      (t.app.database.db as { transaction: unknown }).transaction = original;
    }
    expect(result.errors).toBeDefined();
    t.clock.advance(1000);
    const again = pairOf(await login(t, user.username, user.password), 'login');
    const after = actions(await mine(again.accessToken));
    expect(after[0]).toBe('LOGGED_IN');
    expect(after.slice(1).sort()).toEqual([...before].sort());
    expect(after).not.toContain('LOGGED_OUT_EVERYWHERE');
  });

  it("reads a page of users' events in one query (a DataLoader), each user's own newest first", async () => {
    const admin = await registerAdmin(t);
    for (let i = 0; i < 3; i += 1) await registerUser(t);
    statements.length = 0;
    const result = await t.execute(USERS_AUDIT_EVENTS, { token: admin.accessToken, variables: { first: 20 } });
    expect(result.errors).toBeUndefined();
    const audited = statements.filter((sql) => sql.includes('"audit_events"'));
    expect(audited).toHaveLength(1);
    const nodes = (result.data!['users'] as { edges: { node: { id: string; auditEvents: { edges: { node: { action: string; userId: string } }[] } } }[] }).edges.map((e) => e.node);
    expect(nodes.length).toBeGreaterThan(4);
    for (const node of nodes) expect(node.auditEvents.edges.every((e) => e.node.userId === node.id)).toBe(true);
    expect(nodes.every((node) => node.auditEvents.edges.length > 0 && node.auditEvents.edges.length <= 3)).toBe(true);
  });

  it("denies a USER the events of others in a users page and on user(id), and gives their own under me and user(id)", async () => {
    const user = await registerUser(t);
    const own = await t.execute(USER_AUDIT_EVENTS, { token: user.accessToken, variables: { id: user.id } });
    expect(own.errors).toBeUndefined();
    expect((own.data!['user'] as { auditEvents: Connection }).auditEvents.edges.map((e) => e.node.userId)).toContain(user.id);
    expectOnlyError(await t.execute(USERS_AUDIT_EVENTS, { token: user.accessToken }), ['users'], { code: 'FORBIDDEN' });
  });
});

(redisAvailable() ? describe : describe.skip)('failed logins in the audit log with the counters in Redis', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite', { REDIS_URL });
  });
  afterAll(() => t.close());

  it('records each failure once, written beside the counting', async () => {
    const [user, admin] = [await registerUser(t), await registerAdmin(t)];
    const ip = freshIp();
    await login(t, user.username, 'wrong-password-here', { ip });
    const result = await t.execute(AUDIT_EVENTS, { token: admin.accessToken, variables: { userId: user.id } });
    const failed = (result.data!['auditEvents'] as Connection).edges.map((e) => e.node).filter((n) => n.action === 'LOGIN_FAILED');
    expect(failed).toEqual([expect.objectContaining({ userId: user.id, actorId: null, ip })]);
  });
});
