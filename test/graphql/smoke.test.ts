import { databaseKinds } from '../support/databases';
import { createTestApp, registerUser, type TestApp } from '../support/test-app';

describe.each(databaseKinds())('register → me on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  it('resolves me for the registered user', async () => {
    const user = await registerUser(t);
    const result = await t.execute('{ me { id username email role } }', { token: user.accessToken });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ me: { id: user.id, username: user.username, email: user.email, role: 'USER' } });
  });
});
