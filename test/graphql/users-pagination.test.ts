import { databaseKinds } from '../support/databases';
import type { GraphQLResult, Registered } from '../support/documents';
import { expectOnlyError } from '../support/operations';
import { createTestApp, registerAdmin, registerUser, type TestApp } from '../support/test-app';

const USERS = `query($first: Int, $after: String) {
  users(first: $first, after: $after) {
    totalCount
    edges { cursor node { id createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Page {
  totalCount: number;
  edges: { cursor: string; node: { id: string; createdAt: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

describe.each(databaseKinds())('users(first, after) on %s', (kind) => {
  let t: TestApp;
  let admin: Registered;
  beforeAll(async () => {
    t = await createTestApp(kind);
    admin = await registerAdmin(t);
  });
  afterAll(() => t.close());

  const users = (variables: Record<string, unknown>, token = admin.accessToken): Promise<GraphQLResult> => t.execute(USERS, { token, variables });

  async function page(first: number, after: string | null): Promise<Page> {
    const result = await users({ first, after });
    expect(result.errors).toBeUndefined();
    return result.data?.['users'] as Page;
  }

  it('walks every user exactly once, oldest first, through opaque cursors', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      // One second apart, so that creation order is the order the API must give.
      t.clock.advance(1000);
      created.push((await registerUser(t)).id);
    }
    const seen: Page['edges'] = [];
    let after: string | null = null;
    let last: Page;
    do {
      last = await page(2, after);
      // hasNextPage promised more: a page is never empty.
      expect(last.edges.length).toBeGreaterThan(0);
      expect(last.edges.length).toBeLessThanOrEqual(2);
      expect(last.pageInfo.endCursor).toBe(last.edges.at(-1)?.cursor ?? null);
      seen.push(...last.edges);
      after = last.pageInfo.endCursor;
    } while (last.pageInfo.hasNextPage);

    const ids = seen.map((e) => e.node.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(last.totalCount);
    expect(ids).toContain(admin.id);
    expect(ids.filter((id) => created.includes(id))).toEqual(created);
    const times = seen.map((e) => Date.parse(e.node.createdAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Cursors are opaque: no id in plain sight.
    for (const edge of seen) expect(edge.cursor).not.toContain(edge.node.id);
  });

  it('counts every user in totalCount, whatever the page size', async () => {
    const before = (await page(1, null)).totalCount;
    await registerUser(t);
    const after = await page(1, null);
    expect(after.totalCount).toBe(before + 1);
    expect(after.edges).toHaveLength(1);
    expect(after.pageInfo.hasNextPage).toBe(true);
    // A page exactly as large as what is left is the last one.
    const exact = await page(after.totalCount, null);
    expect(exact.edges).toHaveLength(after.totalCount);
    expect(exact.pageInfo.hasNextPage).toBe(false);
  });

  it('gives an empty last page after the last cursor', async () => {
    const all = await page(100, null);
    expect(all.pageInfo.hasNextPage).toBe(false);
    const beyond = await page(100, all.pageInfo.endCursor);
    expect(beyond).toEqual({ totalCount: all.totalCount, edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it.each([0, -1, 101])('refuses first: %i with BAD_USER_INPUT on first', async (first) => {
    const result = await users({ first });
    expect(result.data).toEqual({ users: null });
    expectOnlyError(result, ['users'], { code: 'BAD_USER_INPUT', field: 'first' });
  });

  it.each([
    ['junk', 'not-a-cursor'],
    ['base64 of junk', Buffer.from('yesterday|someone').toString('base64url')],
    ['an empty string', ''],
  ])('refuses an after cursor of %s with BAD_USER_INPUT on after', async (_, after) => {
    expectOnlyError(await users({ first: 2, after }), ['users'], { code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('is for ADMINs only: FORBIDDEN to a USER, UNAUTHENTICATED without a token', async () => {
    const user = await registerUser(t);
    expectOnlyError(await users({ first: 2 }, user.accessToken), ['users'], { code: 'FORBIDDEN' });
    const anonymous = await t.execute(USERS, { variables: { first: 2 } });
    expectOnlyError(anonymous, ['users'], { code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' });
  });
});
