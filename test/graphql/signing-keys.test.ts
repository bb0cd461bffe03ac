import { databaseKinds } from '../support/databases';
import { createTestApp, registerAdmin, registerUser, type TestApp } from '../support/test-app';

const ROTATE = 'mutation { rotateSigningKey { kid state } }';
const REVOKE = 'mutation($kid: ID!) { revokeSigningKey(kid: $kid) { kid state } }';
const KEYS = '{ signingKeys { kid algorithm state createdAt activatedAt retiredAt } }';
const JWKS_MAX_AGE_MS = 10 * 60_000;
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

/** The key mutations behind a fresh sign-in, on the fake clock: rotation's timing without waiting. */
describe.each(databaseKinds())('signing keys through GraphQL on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  it('rotates once the NEXT key has been published JWKS_MAX_AGE: NEXT becomes CURRENT, CURRENT becomes PREVIOUS', async () => {
    const before = (await t.execute(KEYS, { token: (await registerAdmin(t)).accessToken })).data?.['signingKeys'] as { kid: string; state: string }[];
    const next = before.find((k) => k.state === 'NEXT')!;
    const current = before.find((k) => k.state === 'CURRENT')!;
    t.clock.advance(JWKS_MAX_AGE_MS + 2_000);
    const admin = await registerAdmin(t);
    const rotated = await t.execute(ROTATE, { token: admin.accessToken });
    expect(rotated.errors).toBeUndefined();
    const after = rotated.data?.['rotateSigningKey'] as { kid: string; state: string }[];
    expect(after.find((k) => k.kid === next.kid)?.state).toBe('CURRENT');
    expect(after.find((k) => k.kid === current.kid)?.state).toBe('PREVIOUS');
    expect(after.filter((k) => k.state === 'NEXT')).toHaveLength(1);
    // Tokens signed before go on verifying.
    expect((await t.execute('{ me { id } }', { token: admin.accessToken })).errors).toBeUndefined();
  });

  it('asks for a recent sign-in: an ADMIN whose session proved its password over 300 s ago gets REAUTHENTICATION_REQUIRED', async () => {
    const admin = await registerAdmin(t);
    t.clock.advance(301_000);
    for (const [query, variables] of [[ROTATE, {}], [REVOKE, { kid: 'any' }]] as const) {
      const result = await t.execute(query, { token: admin.accessToken, variables });
      expect(result.errors?.map((e) => e.extensions)).toEqual([{ code: 'UNAUTHENTICATED', reason: 'REAUTHENTICATION_REQUIRED' }]);
    }
    // The token itself is still good, and the list needs no step-up.
    expect((await t.execute(KEYS, { token: admin.accessToken })).errors).toBeUndefined();
  });

  it('keeps auth_time across a refresh: a refresh is not a sign-in, so it buys no step-up', async () => {
    const admin = await registerAdmin(t);
    const authTime = claimsOf(admin.accessToken)['auth_time'];
    t.clock.advance(301_000);
    const refreshed = await t.execute('mutation($r: String!) { refresh(refreshToken: $r) { accessToken } }', { variables: { r: admin.refreshToken } });
    const token = (refreshed.data?.['refresh'] as { accessToken: string }).accessToken;
    expect(claimsOf(token)['iat']).toBe(Math.floor(t.clock.now() / 1000));
    expect(claimsOf(token)['auth_time']).toBe(authTime);
    expect((await t.execute(ROTATE, { token })).errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'REAUTHENTICATION_REQUIRED' });
  });

  it('tells a USER FORBIDDEN, however recent their sign-in: the role is checked first', async () => {
    const user = await registerUser(t);
    const result = await t.execute(ROTATE, { token: user.accessToken });
    expect(result.errors?.map((e) => e.extensions)).toEqual([{ code: 'FORBIDDEN' }]);
  });

  it('refuses to revoke a kid that is not published, with BAD_USER_INPUT on kid', async () => {
    const admin = await registerAdmin(t);
    const result = await t.execute(REVOKE, { token: admin.accessToken, variables: { kid: 'no-such-key' } });
    expect(result.errors?.map((e) => e.extensions)).toEqual([{ code: 'BAD_USER_INPUT', field: 'kid' }]);
  });

  it('revokes the CURRENT key: its tokens fail at once, NEXT signs, and the refresh token still works', async () => {
    const admin = await registerAdmin(t);
    const user = await registerUser(t);
    const keys = (await t.execute(KEYS, { token: admin.accessToken })).data?.['signingKeys'] as { kid: string; state: string }[];
    const current = keys.find((k) => k.state === 'CURRENT')!;
    const next = keys.find((k) => k.state === 'NEXT')!;
    const revoked = await t.execute(REVOKE, { token: admin.accessToken, variables: { kid: current.kid } });
    expect(revoked.errors).toBeUndefined();
    expect((revoked.data?.['revokeSigningKey'] as { kid: string; state: string }[]).find((k) => k.state === 'CURRENT')?.kid).toBe(next.kid);
    expect((await t.execute('{ me { id } }', { token: user.accessToken })).errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
    const refreshed = await t.execute('mutation($r: String!) { refresh(refreshToken: $r) { accessToken } }', { variables: { r: user.refreshToken } });
    const token = (refreshed.data?.['refresh'] as { accessToken: string }).accessToken;
    expect((await t.execute('{ me { id } }', { token })).data).toEqual({ me: { id: user.id } });
  });
});
