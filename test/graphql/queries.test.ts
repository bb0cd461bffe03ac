import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { users } from '../../src/db/schema';
import { databaseKinds } from '../support/databases';
import { ME, USER } from '../support/documents';
import { createTestApp, registerUser, type TestApp } from '../support/test-app';

describe.each(databaseKinds())('me and user(id) on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  it('resolves me as the caller', async () => {
    const user = await registerUser(t);
    const result = await t.execute('{ me { id username email role createdAt } }', { token: user.accessToken });
    expect(result).toEqual({
      data: { me: { id: user.id, username: user.username, email: user.email, role: 'USER', createdAt: new Date(t.clock.now()).toISOString() } },
    });
  });

  it('answers me with null, and no error, once the account no longer exists', async () => {
    const user = await registerUser(t);
    // The API cannot delete an account; only the database can.
    await t.app.database.db.delete(users).where(eq(users.id, user.id));
    expect(await t.execute(ME, { token: user.accessToken })).toEqual({ data: { me: null } });
  });

  it('finds another user by id', async () => {
    const [user, other] = [await registerUser(t), await registerUser(t)];
    const result = await t.execute(USER, { token: user.accessToken, variables: { id: other.id } });
    expect(result).toEqual({ data: { user: { id: other.id, username: other.username, role: 'USER' } } });
  });

  it.each([
    ['an unknown UUID', randomUUID()],
    ['an id that is not a UUID', 'not-an-id'],
  ])('answers user(id) with null for %s', async (_, id) => {
    const user = await registerUser(t);
    expect(await t.execute(USER, { token: user.accessToken, variables: { id } })).toEqual({
      data: { user: null },
    });
  });
});
