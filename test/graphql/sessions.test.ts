import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { sessions as sessionsTable } from '../../src/db/schema';
import { databaseKinds } from '../support/databases';
import { MY_SESSIONS, REVOKE_SESSION } from '../support/documents';
import { accessOutcome, claimsOf, expectOnlyError, newSession, pairOf, refresh, refreshOutcome } from '../support/operations';
import { createTestApp, registerAdmin, registerUser, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait-for';

const sidOf = (accessToken: string) => claimsOf(accessToken).sid;

describe.each(databaseKinds())('sessions and revokeSession on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  async function sessionsSeenBy(accessToken: string) {
    const result = await t.execute(MY_SESSIONS, { token: accessToken });
    expect(result.errors).toBeUndefined();
    return (result.data?.['me'] as { sessions: Record<string, unknown>[] }).sessions;
  }

  const revoke = (id: string, accessToken: string) => t.execute(REVOKE_SESSION, { token: accessToken, variables: { id } });

  it('lists live sessions newest first, with where and when they were opened, the caller’s marked current', async () => {
    const user = await registerUser(t);
    const opened = t.clock.now();
    t.clock.advance(1000);
    const second = await newSession(t, user);
    const sessions = await sessionsSeenBy(user.accessToken);
    expect(sessions.map((s) => [s['id'], s['current']])).toEqual([
      [sidOf(second.accessToken), false],
      [sidOf(user.accessToken), true],
    ]);
    expect(sessions[1]).toMatchObject({
      createdAt: new Date(opened).toISOString(),
      lastUsedAt: new Date(opened).toISOString(),
      expiresAt: new Date(opened + 30 * 24 * 3600 * 1000).toISOString(),
      userAgent: 'jest',
      ip: user.ip,
    });
  });

  it('moves lastUsedAt and expiresAt on when the session is refreshed', async () => {
    const user = await registerUser(t);
    t.clock.advance(60_000);
    const rotated = pairOf(await refresh(t, user.refreshToken), 'refresh');
    const [session] = await sessionsSeenBy(rotated.accessToken);
    expect(session).toMatchObject({
      lastUsedAt: new Date(t.clock.now()).toISOString(),
      expiresAt: new Date(t.clock.now() + 30 * 24 * 3600 * 1000).toISOString(),
    });
    expect(session?.['createdAt']).not.toBe(session?.['lastUsedAt']);
  });

  it('revokes one of the caller’s own sessions: true, its tokens stop, it leaves the list', async () => {
    const user = await registerUser(t);
    const second = await newSession(t, user);
    expect(await revoke(sidOf(second.accessToken), user.accessToken)).toEqual({ data: { revokeSession: true } });
    expect(await accessOutcome(t, second.accessToken)).toBe('TOKEN_REVOKED');
    expect(await refreshOutcome(t, second.refreshToken)).toBe('REFRESH_TOKEN_INVALID');
    expect((await sessionsSeenBy(user.accessToken)).map((s) => s['id'])).toEqual([sidOf(user.accessToken)]);
  });

  it('revokes the session of the very token that asks', async () => {
    const user = await registerUser(t);
    expect(await revoke(sidOf(user.accessToken), user.accessToken)).toEqual({ data: { revokeSession: true } });
    expect(await accessOutcome(t, user.accessToken)).toBe('TOKEN_REVOKED');
  });

  it("answers false to a USER naming another user's session, which keeps working", async () => {
    const [user, other] = [await registerUser(t), await registerUser(t)];
    expect(await revoke(sidOf(other.accessToken), user.accessToken)).toEqual({ data: { revokeSession: false } });
    expect(await accessOutcome(t, other.accessToken)).toBe('OK');
    expect(await refreshOutcome(t, other.refreshToken)).toBe('OK');
  });

  it("lets an ADMIN revoke anyone's session", async () => {
    const [admin, other] = [await registerAdmin(t), await registerUser(t)];
    expect(await revoke(sidOf(other.accessToken), admin.accessToken)).toEqual({ data: { revokeSession: true } });
    expect(await accessOutcome(t, other.accessToken)).toBe('TOKEN_REVOKED');
    expect(await accessOutcome(t, admin.accessToken)).toBe('OK');
  });

  it.each([
    ['junk', 'not-a-session-id'],
    ['an unknown UUID', randomUUID()],
  ])('answers false to %s', async (_, id) => {
    const user = await registerUser(t);
    expect(await revoke(id, user.accessToken)).toEqual({ data: { revokeSession: false } });
    expect(await accessOutcome(t, user.accessToken)).toBe('OK');
  });

  it('needs a valid access token', async () => {
    const user = await registerUser(t);
    const result = await revoke(sidOf(user.accessToken), 'garbage');
    expect(result.data).toBeNull();
    expectOnlyError(result, ['revokeSession'], { code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
    expect(await accessOutcome(t, user.accessToken)).toBe('OK');
  });

  it('deletes a session a day after it expired and its access tokens with it, once later sessions open', async () => {
    const user = await registerUser(t);
    const stored = async () => (await t.app.database.db.select({ id: sessionsTable.id }).from(sessionsTable).where(eq(sessionsTable.id, sidOf(user.accessToken)))).length;
    expect(await stored()).toBe(1);
    t.clock.advance((30 + 1) * 24 * 3600 * 1000 + 16 * 60_000 + 60_000);
    // Opening a session is what tells the sweeper (which skips while a sweep is still running);
    // sweeps run in the background.
    const other = await registerUser(t);
    await waitFor(async () => (await stored()) === 0 || (await newSession(t, other), false), 'the expired session to be deleted');
  });
});
