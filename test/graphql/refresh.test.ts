import { databaseKinds } from '../support/databases';
import { accessOutcome, claimsOf, expectOnlyError, outcomeOf, pairOf, refresh, refreshOutcome } from '../support/operations';
import { createTestApp, registerUser, type TestApp } from '../support/test-app';

// Short enough to outlive by moving the fake clock, long enough that no other test notices.
const REFRESH_TOKEN_TTL_MS = 60 * 60 * 1000;

describe.each(databaseKinds())('refresh on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind, { REFRESH_TOKEN_TTL: '1h' });
  });
  afterAll(() => t.close());

  it('rotates: a new pair in the same session, and no second session', async () => {
    const user = await registerUser(t);
    const result = await t.execute('mutation($refreshToken: String!) { refresh(refreshToken: $refreshToken) { accessToken refreshToken user { id email sessions { id current } } } }', {
      variables: { refreshToken: user.refreshToken },
    });
    expect(result.errors).toBeUndefined();
    const payload = result.data?.['refresh'] as { accessToken: string; refreshToken: string; user: unknown };
    const sessionId = claimsOf(user.accessToken).sid;
    expect(payload.refreshToken).not.toBe(user.refreshToken);
    expect(claimsOf(payload.accessToken)).toMatchObject({ sub: user.id, sid: sessionId });
    // The payload resolves as the user although no Bearer was sent.
    expect(payload.user).toEqual({ id: user.id, email: user.email, sessions: [{ id: sessionId, current: true }] });
    expect(await accessOutcome(t, payload.accessToken)).toBe('OK');
    expect(await refreshOutcome(t, payload.refreshToken)).toBe('OK');
  });

  it('ends the whole session when a spent refresh token comes back', async () => {
    const user = await registerUser(t);
    const rotated = pairOf(await refresh(t, user.refreshToken), 'refresh');

    const reuse = await refresh(t, user.refreshToken);
    expect(reuse.data).toBeNull();
    expectOnlyError(reuse, ['refresh'], { code: 'UNAUTHENTICATED', reason: 'REFRESH_TOKEN_REUSED' });

    // Everything issued in that session stops.
    expect(await refreshOutcome(t, rotated.refreshToken)).toBe('REFRESH_TOKEN_INVALID');
    expect(await accessOutcome(t, rotated.accessToken)).toBe('TOKEN_REVOKED');
    expect(await accessOutcome(t, user.accessToken)).toBe('TOKEN_REVOKED');
  });

  it('lets exactly one of 10 concurrent refreshes with one token succeed; the others are reuses', async () => {
    const user = await registerUser(t);
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(t, user.refreshToken)));
    const outcomes = results.map(outcomeOf).sort();
    expect(outcomes).toEqual(['OK', ...Array<string>(9).fill('REFRESH_TOKEN_REUSED')]);
    // The reuses ended the session, the winner's pair included.
    const winner = pairOf(results.find((r) => !r.errors)!, 'refresh');
    expect(await accessOutcome(t, winner.accessToken)).toBe('TOKEN_REVOKED');
    expect(await refreshOutcome(t, winner.refreshToken)).toBe('REFRESH_TOKEN_INVALID');
  });

  it('never accepts an access token as a refresh token', async () => {
    const user = await registerUser(t);
    const result = await refresh(t, user.accessToken);
    expectOnlyError(result, ['refresh'], { code: 'UNAUTHENTICATED', reason: 'REFRESH_TOKEN_INVALID' });
    // Refused, not spent: the real refresh token still works.
    expect(await refreshOutcome(t, user.refreshToken)).toBe('OK');
  });

  it('never accepts a refresh token as an access token', async () => {
    const user = await registerUser(t);
    expect(await accessOutcome(t, user.refreshToken)).toBe('TOKEN_INVALID');
  });

  it.each([
    ['an unknown token', 'x'.repeat(43)],
    ['an empty string', ''],
    ['a very long string', 'y'.repeat(10_000)],
  ])('refuses %s with REFRESH_TOKEN_INVALID', async (_, token) => {
    const result = await refresh(t, token);
    expect(result.data).toBeNull();
    expectOnlyError(result, ['refresh'], { code: 'UNAUTHENTICATED', reason: 'REFRESH_TOKEN_INVALID' });
  });

  it('refuses a refresh token past its lifetime, and one just before it works', async () => {
    const [early, late] = [await registerUser(t), await registerUser(t)];
    t.clock.advance(REFRESH_TOKEN_TTL_MS - 1000);
    expect(await refreshOutcome(t, early.refreshToken)).toBe('OK');
    t.clock.advance(2000);
    expect(await refreshOutcome(t, late.refreshToken)).toBe('REFRESH_TOKEN_INVALID');
  });

  it('extends the session from each rotation: a token refreshed in time outlives the first lifetime', async () => {
    const user = await registerUser(t);
    t.clock.advance(REFRESH_TOKEN_TTL_MS / 2);
    const rotated = pairOf(await refresh(t, user.refreshToken), 'refresh');
    t.clock.advance(REFRESH_TOKEN_TTL_MS * 0.75);
    expect(await refreshOutcome(t, rotated.refreshToken)).toBe('OK');
  });
});
