import { createUserCache, type UserCacheSettings } from '../../../src/auth/users/user-cache';
import type { UserRow } from '../../../src/db/schema';
import { FakeClock } from '../../support/fake-clock';

const SETTINGS: UserCacheSettings = { max: 3, maxAgeMs: 60_000, pendingMs: 10_000 };

function row(id: string, email = `${id}@example.com`): UserRow {
  return {
    id,
    username: id,
    email,
    passwordHash: 'hash',
    role: 'USER',
    disabled: false,
    tokenVersion: 0,
    tokensRevokedAt: null,
    sessionsOpened: 0,
    emailVerified: false,
    createdAt: new Date(0),
    totpSecret: null,
    totpPendingSecret: null,
    totpLastStep: null,
  };
}

function setUp(settings = SETTINGS) {
  const clock = new FakeClock();
  let trusted = true;
  const cache = createUserCache({ clock, settings, trusted: () => trusted });
  const put = (user: UserRow) => cache.fill(user, cache.ticket());
  return { clock, cache, put, distrust: () => (trusted = false) };
}

describe('user cache', () => {
  it('holds at most `max` rows, dropping the least recently read', () => {
    const { cache, put } = setUp();
    for (const id of ['a', 'b', 'c']) put(row(id));
    expect(cache.get('a')?.id).toBe('a');
    put(row('d'));
    expect(cache.size()).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((id) => cache.get(id)?.id)).toEqual(['a', 'c', 'd']);
  });

  it('does not store a row whose read began before a reset or a change', () => {
    const { cache } = setUp();
    const beforeReset = cache.ticket();
    cache.reset();
    cache.fill(row('a'), beforeReset);
    expect(cache.get('a')).toBeUndefined();
    const beforeChange = cache.ticket();
    cache.changed('a');
    cache.fill(row('a'), beforeChange);
    expect(cache.get('a')).toBeUndefined();
    cache.fill(row('a'), cache.ticket());
    expect(cache.get('a')?.id).toBe('a');
  });

  it('drops a changed row, and forgets everything on reset', () => {
    const { cache, put } = setUp();
    put(row('a'));
    put(row('b'));
    cache.changed('a');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')?.id).toBe('b');
    cache.reset();
    expect(cache.size()).toBe(0);
  });

  it('reads a row again once it is `maxAgeMs` old', () => {
    const { cache, put, clock } = setUp();
    put(row('a'));
    clock.advance(SETTINGS.maxAgeMs - 1);
    expect(cache.get('a')?.id).toBe('a');
    clock.advance(1);
    expect(cache.get('a')).toBeUndefined();
  });

  it('serves and stores nothing while untrusted', () => {
    const { cache, put, distrust } = setUp();
    put(row('a'));
    distrust();
    expect(cache.get('a')).toBeUndefined();
    put(row('b'));
    expect(cache.size()).toBe(1);
  });

  it('keeps a row this instance is changing out until the change is heard, or `pendingMs` has passed', () => {
    const { cache, put, clock } = setUp();
    put(row('a'));
    cache.changing(['a']);
    expect(cache.get('a')).toBeUndefined();
    put(row('a'));
    expect(cache.get('a')).toBeUndefined();
    cache.changed('a');
    put(row('a', 'new@example.com'));
    expect(cache.get('a')?.email).toBe('new@example.com');
    cache.changing(['a']);
    clock.advance(SETTINGS.pendingMs);
    put(row('a'));
    expect(cache.get('a')?.id).toBe('a');
  });
});
