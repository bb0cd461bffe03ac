import type { AccessClaims } from '../../../src/auth/tokens/access-token';
import { createRevocationList, type RevocationList } from '../../../src/auth/sessions/revocation';
import { FakeClock } from '../../support/fake-clock';

const RETENTION_MS = 16 * 60_000;

function claims(overrides: Partial<AccessClaims> = {}): AccessClaims {
  return { sub: 'user-1', role: 'USER', sid: 'session-1', jti: 'jti-1', iat: 0, exp: 0, ver: 0, ...overrides };
}

describe('revocation list', () => {
  let clock: FakeClock;
  let list: RevocationList;

  beforeEach(() => {
    clock = new FakeClock();
    list = createRevocationList({ clock, retentionMs: RETENTION_MS });
  });

  it('revokes nothing when empty', () => {
    expect(list.isRevoked(claims())).toBe(false);
    expect(list.size()).toEqual({ sessions: 0, users: 0 });
  });

  describe('a revoked session', () => {
    beforeEach(() => list.apply({ kind: 'session', sessionId: 'session-1', at: clock.now() }));

    it('kills every token of that session, whatever its version', () => {
      expect(list.isRevoked(claims())).toBe(true);
      expect(list.isRevoked(claims({ ver: 99, jti: 'jti-2' }))).toBe(true);
    });

    it('leaves other sessions of the same user alone', () => {
      expect(list.isRevoked(claims({ sid: 'session-2' }))).toBe(false);
    });
  });

  describe('a user cut-off', () => {
    beforeEach(() => list.apply({ kind: 'user', userId: 'user-1', minVersion: 5, at: clock.now() }));

    it('kills the tokens issued below minVersion', () => {
      expect(list.isRevoked(claims({ ver: 0 }))).toBe(true);
      expect(list.isRevoked(claims({ ver: 4 }))).toBe(true);
    });

    it('spares tokens at or above minVersion', () => {
      expect(list.isRevoked(claims({ ver: 5 }))).toBe(false);
      expect(list.isRevoked(claims({ ver: 6 }))).toBe(false);
    });

    it('leaves other users alone', () => {
      expect(list.isRevoked(claims({ sub: 'user-2', ver: 0 }))).toBe(false);
    });

    it('is never lowered by an older event arriving later', () => {
      list.apply({ kind: 'user', userId: 'user-1', minVersion: 2, at: clock.now() - 1000 });
      expect(list.isRevoked(claims({ ver: 4 }))).toBe(true);
    });

    it('is raised by a newer event', () => {
      list.apply({ kind: 'user', userId: 'user-1', minVersion: 7, at: clock.now() });
      expect(list.isRevoked(claims({ ver: 6 }))).toBe(true);
      expect(list.isRevoked(claims({ ver: 7 }))).toBe(false);
    });
  });

  it('applies a batch of events as if one by one', () => {
    list.applyAll([
      { kind: 'session', sessionId: 'session-9', at: clock.now() },
      { kind: 'user', userId: 'user-1', minVersion: 4, at: clock.now() },
      { kind: 'user', userId: 'user-1', minVersion: 2, at: clock.now() },
    ]);
    expect(list.isRevoked(claims({ sid: 'session-9', ver: 9 }))).toBe(true);
    expect(list.isRevoked(claims({ ver: 3 }))).toBe(true);
    expect(list.size()).toEqual({ sessions: 1, users: 1 });
  });

  describe('memory', () => {
    it('keeps entries for the whole retention', () => {
      list.apply({ kind: 'session', sessionId: 'session-1', at: clock.now() });
      list.apply({ kind: 'user', userId: 'user-1', minVersion: 1, at: clock.now() });
      clock.advance(RETENTION_MS - 1);
      list.apply({ kind: 'session', sessionId: 'session-2', at: clock.now() });
      expect(list.isRevoked(claims())).toBe(true);
      expect(list.size()).toEqual({ sessions: 2, users: 1 });
    });

    it('forgets entries once the retention has passed and another event arrives', () => {
      list.apply({ kind: 'session', sessionId: 'session-1', at: clock.now() });
      list.apply({ kind: 'user', userId: 'user-1', minVersion: 1, at: clock.now() });
      clock.advance(RETENTION_MS);
      list.apply({ kind: 'session', sessionId: 'session-2', at: clock.now() });
      expect(list.size()).toEqual({ sessions: 1, users: 0 });
    });

    it('stays bounded under a steady stream of revocations', () => {
      for (let i = 0; i < 500; i += 1) {
        list.apply({ kind: 'session', sessionId: `session-${i}`, at: clock.now() });
        list.apply({ kind: 'user', userId: `user-${i}`, minVersion: 1, at: clock.now() });
        clock.advance(10_000);
      }
      // One event per 10 s, each kept for the retention plus at most one sweep interval (60 s).
      const bound = (RETENTION_MS + 60_000) / 10_000 + 1;
      expect(list.size().sessions).toBeLessThanOrEqual(bound);
      expect(list.size().users).toBeLessThanOrEqual(bound);
    });

    it('ignores an event already older than the retention', () => {
      list.apply({ kind: 'session', sessionId: 'session-1', at: clock.now() - RETENTION_MS });
      expect(list.size()).toEqual({ sessions: 0, users: 0 });
    });

    it('keeps a session revoked again later until the later event is forgotten', () => {
      list.apply({ kind: 'session', sessionId: 'session-1', at: clock.now() });
      clock.advance(RETENTION_MS / 2);
      list.apply({ kind: 'session', sessionId: 'session-1', at: clock.now() });
      clock.advance(RETENTION_MS / 2 + 60_000);
      list.apply({ kind: 'session', sessionId: 'other', at: clock.now() });
      expect(list.isRevoked(claims())).toBe(true);
    });
  });
});
