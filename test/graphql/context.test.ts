import jwt from 'jsonwebtoken';
import { databaseKinds } from '../support/databases';
import { LOGOUT, ME, type Registered } from '../support/documents';
import { expectOnlyError, outcomeOf, refresh } from '../support/operations';
import { createTestApp, registerUser, type TestApp } from '../support/test-app';

const ACCESS_TOKEN_TTL_MS = 15 * 60 * 1000;

const LOGIN_AS = `mutation($input: LoginInput!) { login(input: $input) { accessToken user { id email } } }`;

describe.each(databaseKinds())('the Bearer token of a request on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  /**
   * A bad Authorization header fails the guarded field alone, with its reason, and never the
   * request: `login` with the same header still works and its payload resolves as the user.
   */
  async function expectRefusedButLoginWorks(user: Registered, authorization: string | undefined, reason: string) {
    const guarded = await t.execute(ME, { authorization });
    expect(guarded.data).toEqual({ me: null });
    expectOnlyError(guarded, ['me'], { code: 'UNAUTHENTICATED', reason });

    const result = await t.execute(LOGIN_AS, { authorization, variables: { input: { username: user.username, password: user.password } } });
    expect(result.errors).toBeUndefined();
    expect(result.data?.['login']).toMatchObject({ user: { id: user.id, email: user.email } });
  }

  it('fails a guarded field TOKEN_MISSING without a header', async () => {
    await expectRefusedButLoginWorks(await registerUser(t), undefined, 'TOKEN_MISSING');
  });

  it('lets register and refresh run without a header', async () => {
    // registerUser sends no header; the refresh below sends none either.
    const user = await registerUser(t);
    expect(outcomeOf(await refresh(t, user.refreshToken))).toBe('OK');
  });

  it.each([
    ['another scheme', 'Basic dXNlcjpwYXNzd29yZA=='],
    ['two tokens', 'Bearer abc def'],
    ['a token that is not a JWT', 'Bearer not-a-jwt'],
    ['three dotted parts of garbage', 'Bearer aaa.bbb.ccc'],
  ])('fails a guarded field TOKEN_INVALID for %s', async (_, authorization) => {
    await expectRefusedButLoginWorks(await registerUser(t), authorization, 'TOKEN_INVALID');
  });

  it('fails a guarded field TOKEN_INVALID for a well-formed token signed with another secret', async () => {
    const user = await registerUser(t);
    const claims = jwt.decode(user.accessToken) as jwt.JwtPayload;
    const forged = jwt.sign(claims, 'another-secret-that-is-also-32-bytes-long', { header: { alg: 'HS256', typ: 'at+jwt' } });
    await expectRefusedButLoginWorks(user, `Bearer ${forged}`, 'TOKEN_INVALID');
  });

  it('accepts the token until its lifetime is over, then fails TOKEN_EXPIRED', async () => {
    const user = await registerUser(t);
    expect(outcomeOf(await t.execute(ME, { token: user.accessToken }))).toBe('OK');
    t.clock.advance(ACCESS_TOKEN_TTL_MS + 1000);
    await expectRefusedButLoginWorks(user, `Bearer ${user.accessToken}`, 'TOKEN_EXPIRED');
    // The client that sent its expired token can still refresh with it attached.
    expect(outcomeOf(await refresh(t, user.refreshToken, { token: user.accessToken }))).toBe('OK');
  });

  it('fails a guarded field TOKEN_REVOKED once the session has been logged out', async () => {
    const user = await registerUser(t);
    const logout = await t.execute(LOGOUT, { token: user.accessToken, variables: { refreshToken: user.refreshToken } });
    expect(logout).toEqual({ data: { logout: true } });
    await expectRefusedButLoginWorks(user, `Bearer ${user.accessToken}`, 'TOKEN_REVOKED');
  });

  it('tells each guarded root field its reason, in one request', async () => {
    const result = await t.execute('query($id: ID!) { me { id } user(id: $id) { id } }', {
      authorization: 'Bearer junk',
      variables: { id: (await registerUser(t)).id },
    });
    expect(result.data).toEqual({ me: null, user: null });
    expect(result.errors?.map((e) => [e.path, e.extensions?.['reason']])).toEqual([
      [['me'], 'TOKEN_INVALID'],
      [['user'], 'TOKEN_INVALID'],
    ]);
  });
});
