import { can, isRole } from '../../src/auth/policy';
import type { Principal } from '../../src/auth/principal';

const user: Principal = { userId: 'u-1', role: 'USER', sessionId: 's-1' };
const admin: Principal = { userId: 'a-1', role: 'ADMIN', sessionId: 's-2' };

describe('can', () => {
  it('lets a USER through a USER rule', () => {
    expect(can(user, { requires: 'USER', allowSelf: false }, undefined)).toBe(true);
  });

  it('lets an ADMIN through a USER rule: ADMIN includes USER', () => {
    expect(can(admin, { requires: 'USER', allowSelf: false }, undefined)).toBe(true);
  });

  it('lets an ADMIN through an ADMIN rule on anyone', () => {
    expect(can(admin, { requires: 'ADMIN', allowSelf: false }, 'u-1')).toBe(true);
  });

  it('denies a USER an ADMIN rule', () => {
    expect(can(user, { requires: 'ADMIN', allowSelf: false }, undefined)).toBe(false);
  });

  it('denies a USER an ADMIN rule on their own object when allowSelf is off', () => {
    expect(can(user, { requires: 'ADMIN', allowSelf: false }, 'u-1')).toBe(false);
  });

  it('lets a USER through an ADMIN rule with allowSelf on their own object', () => {
    expect(can(user, { requires: 'ADMIN', allowSelf: true }, 'u-1')).toBe(true);
  });

  it.each([['someone else', 'u-2'], ['no owner', undefined]])('denies a USER an allowSelf ADMIN rule on %s', (_label, owner) => {
    expect(can(user, { requires: 'ADMIN', allowSelf: true }, owner)).toBe(false);
  });
});

describe('isRole', () => {
  it.each(['USER', 'ADMIN'])('accepts %s', (role) => {
    expect(isRole(role)).toBe(true);
  });

  it.each(['user', 'admin', 'ROOT', '', undefined, null, 1, {}])('refuses %p', (value) => {
    expect(isRole(value)).toBe(false);
  });
});
