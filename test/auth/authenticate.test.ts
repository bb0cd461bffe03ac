import { type AccessTokens, createAccessTokens } from '../../src/auth/tokens/access-token';
import { type Authenticate, type Authentication, createAuthenticate } from '../../src/auth/authenticate';
import { generateRefreshToken } from '../../src/auth/tokens/refresh-token';
import { createRevocationList, type RevocationList } from '../../src/auth/sessions/revocation';
import type { Store } from '../../src/db/store';
import { FakeClock } from '../support/fake-clock';
import { hs256Ring } from '../support/key-rings';

const TTL = 900;
const SUBJECT = { userId: 'user-1', role: 'ADMIN', sessionId: 'session-1', tokenVersion: 2, authTime: new Date(Date.UTC(2026, 10, 23, 11, 0, 0)) } as const;
const PRINCIPAL = { userId: 'user-1', role: 'ADMIN', sessionId: 'session-1', authTime: SUBJECT.authTime.getTime() / 1000 };

interface DatabaseState {
  session?: { revokedAt: Date | null };
  user?: { disabled: boolean; tokenVersion: number };
  down?: boolean;
}

/** Just the two lookups authenticate makes when its memory is not trusted. */
function fakeStore(state: DatabaseState): { store: Store; lookups: () => number } {
  let lookups = 0;
  const find = <T>(row: T) => async () => {
    lookups += 1;
    if (state.down) throw new Error('connection refused');
    return row;
  };
  const store = { sessions: { findById: find(state.session) }, users: { findById: find(state.user) } } as unknown as Store;
  return { store, lookups: () => lookups };
}

const LIVE: DatabaseState = { session: { revokedAt: null }, user: { disabled: false, tokenVersion: 2 } };

describe('authenticate', () => {
  let clock: FakeClock;
  let tokens: AccessTokens;
  let revocations: RevocationList;
  let token: string;

  const create = (trusted: boolean, state: DatabaseState = LIVE): Authenticate =>
    createAuthenticate({ accessTokens: tokens, revocations, trusted: () => trusted, store: fakeStore(state).store });

  beforeEach(() => {
    clock = new FakeClock();
    tokens = createAccessTokens({ keys: hs256Ring('unit-test-secret-that-is-at-least-32-bytes', clock), issuer: 'gh', audience: 'gh', ttlSeconds: TTL, clock });
    revocations = createRevocationList({ clock, retentionMs: (TTL + 60) * 1000 });
    token = tokens.sign(SUBJECT).token;
  });

  describe('with a trusted revocation list', () => {
    let authenticate: Authenticate;
    beforeEach(() => {
      authenticate = create(true);
    });

    it('gives the principal of a valid Bearer token, synchronously', () => {
      expect(authenticate(`Bearer ${token}`)).toEqual({ ok: true, principal: PRINCIPAL });
    });

    it('reads the scheme regardless of case', () => {
      expect(authenticate(`bearer ${token}`)).toMatchObject({ ok: true });
    });

    it.each([undefined, ''])('says TOKEN_MISSING for the header %p', (header) => {
      expect(authenticate(header)).toEqual({ ok: false, reason: 'TOKEN_MISSING' });
    });

    it.each([
      ['another scheme', 'Basic dXNlcjpwYXNz'],
      ['another scheme with junk', 'Basic x'],
      ['the scheme alone', 'Bearer'],
      ['the scheme and a space', 'Bearer '],
      ['a junk token', 'Bearer junk'],
      ['two tokens', 'Bearer a b'],
      ['a JWT-shaped junk token', 'Bearer a.b.c'],
      ['a refresh token', `Bearer ${generateRefreshToken()}`],
    ])('says TOKEN_INVALID for %s', (_label, header) => {
      expect(authenticate(header)).toEqual({ ok: false, reason: 'TOKEN_INVALID' });
    });

    it('says TOKEN_INVALID for a bare token without the scheme', () => {
      expect(authenticate(token)).toEqual({ ok: false, reason: 'TOKEN_INVALID' });
    });

    it('says TOKEN_EXPIRED once the token is past exp', () => {
      expect(authenticate(`Bearer ${token}`)).toMatchObject({ ok: true });
      clock.advance(TTL * 1000);
      expect(authenticate(`Bearer ${token}`)).toEqual({ ok: false, reason: 'TOKEN_EXPIRED' });
    });

    it('says TOKEN_REVOKED once its session is revoked', () => {
      expect(authenticate(`Bearer ${token}`)).toMatchObject({ ok: true });
      revocations.apply({ kind: 'session', sessionId: 'session-1', at: clock.now() });
      expect(authenticate(`Bearer ${token}`)).toEqual({ ok: false, reason: 'TOKEN_REVOKED' });
    });

    it('says TOKEN_REVOKED once its user is cut off above its version', () => {
      revocations.apply({ kind: 'user', userId: 'user-1', minVersion: 3, at: clock.now() });
      expect(authenticate(`Bearer ${token}`)).toEqual({ ok: false, reason: 'TOKEN_REVOKED' });
      expect(authenticate(`Bearer ${tokens.sign({ ...SUBJECT, tokenVersion: 3 }).token}`)).toMatchObject({ ok: true });
    });

    it.each([
      'Bearer \u0000',
      `Bearer ${'\u2028'.repeat(100)}`,
      `Bearer ${' '.repeat(10_000)}x\t`,
      'Bearer %%%.%%%.%%%',
      `Bearer ${Buffer.from('{"alg":"HS256"').toString('base64url')}.e30.sig`,
      `Bearer ${'a.'.repeat(5000)}`,
    ])('never throws, even for %j', (header) => {
      expect(() => authenticate(header)).not.toThrow();
      expect(authenticate(header)).toMatchObject({ ok: false });
    });
  });

  describe('while the revocation list is not trusted', () => {
    const check = (state: DatabaseState, header = `Bearer ${token}`): Promise<Authentication> =>
      Promise.resolve(create(false, state)(header));

    it('accepts a token the database vouches for', async () => {
      await expect(check(LIVE)).resolves.toEqual({ ok: true, principal: PRINCIPAL });
    });

    it.each<[string, DatabaseState]>([
      ['its session is revoked', { ...LIVE, session: { revokedAt: new Date(0) } }],
      ['its session is gone', { ...LIVE, session: undefined }],
      ['its user is gone', { ...LIVE, user: undefined }],
      ['its user is disabled', { ...LIVE, user: { disabled: true, tokenVersion: 2 } }],
      ['its user has a later token version', { ...LIVE, user: { disabled: false, tokenVersion: 3 } }],
    ])('says TOKEN_REVOKED when %s', async (_label, state) => {
      await expect(check(state)).resolves.toEqual({ ok: false, reason: 'TOKEN_REVOKED' });
    });

    it('says TOKEN_UNVERIFIABLE, without throwing, when the database does not answer', async () => {
      await expect(check({ ...LIVE, down: true })).resolves.toEqual({ ok: false, reason: 'TOKEN_UNVERIFIABLE' });
    });

    it('asks the database nothing about a token already refused', () => {
      const { store, lookups } = fakeStore(LIVE);
      const authenticate = createAuthenticate({ accessTokens: tokens, revocations, trusted: () => false, store });
      revocations.apply({ kind: 'session', sessionId: 'session-1', at: clock.now() });
      expect(authenticate(`Bearer ${token}`)).toEqual({ ok: false, reason: 'TOKEN_REVOKED' });
      expect(authenticate('Bearer junk')).toEqual({ ok: false, reason: 'TOKEN_INVALID' });
      expect(lookups()).toBe(0);
    });
  });
});
