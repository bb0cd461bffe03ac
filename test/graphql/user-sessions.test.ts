import { databaseKinds, openTestDatabase } from '../support/databases';
import { MY_SESSIONS, type Registered } from '../support/documents';
import { newSession } from '../support/operations';
import { createTestApp, registerAdmin, registerUser, type TestApp } from '../support/test-app';

const USERS_WITH_SESSIONS = '{ users(first: 100) { edges { node { id sessions { id } } } } }';

/** `sessions` on a page of users: each user's own, in one query for the whole page. */
describe.each(databaseKinds())('User.sessions on %s', (kind) => {
  let t: TestApp;
  const queries: string[] = [];
  beforeAll(async () => {
    // A page of 100 users' sessions counts 100 × MAX_SESSIONS of them: over the default cost, and not what this is about.
    t = await createTestApp(kind, { GRAPHQL_MAX_COST: '100000' }, { database: await openTestDatabase(kind, (sql) => queries.push(sql)) });
  });
  afterAll(() => t.close());

  async function sessionIdsOf(user: Registered): Promise<string[]> {
    const result = await t.execute(MY_SESSIONS, { token: user.accessToken });
    return (result.data?.['me'] as { sessions: { id: string }[] }).sessions.map((s) => s.id);
  }

  it('gives each user of a page their own live sessions, newest first, from one sessions query', async () => {
    const admin = await registerAdmin(t);
    const users = [await registerUser(t), await registerUser(t), await registerUser(t)];
    for (const [i, user] of users.entries()) for (let k = 0; k < i; k += 1) await newSession(t, user);

    queries.length = 0;
    const result = await t.execute(USERS_WITH_SESSIONS, { token: admin.accessToken });
    expect(result.errors).toBeUndefined();
    const sessionQueries = queries.filter((sql) => /from "sessions"/.test(sql));
    expect(sessionQueries).toHaveLength(1);

    const listed = new Map((result.data?.['users'] as { edges: { node: { id: string; sessions: { id: string }[] } }[] }).edges.map((e) => [e.node.id, e.node.sessions.map((s) => s.id)]));
    for (const [i, user] of users.entries()) {
      expect(listed.get(user.id)).toHaveLength(i + 1);
      expect(listed.get(user.id)).toEqual(await sessionIdsOf(user));
    }
  });

  it('does not share what it loaded between requests: a session opened since shows', async () => {
    const admin = await registerAdmin(t);
    const user = await registerUser(t);
    const before = await t.execute(USERS_WITH_SESSIONS, { token: admin.accessToken });
    const count = (result: typeof before) =>
      (result.data?.['users'] as { edges: { node: { id: string; sessions: unknown[] } }[] }).edges.find((e) => e.node.id === user.id)?.node.sessions.length;
    expect(count(before)).toBe(1);
    await newSession(t, user);
    expect(count(await t.execute(USERS_WITH_SESSIONS, { token: admin.accessToken }))).toBe(2);
  });
});
