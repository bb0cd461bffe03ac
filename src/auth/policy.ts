import type { Principal, Role } from './principal';

export interface AccessRule {
  readonly requires: Role;
  /** The owner of the object may pass whatever their role. */
  readonly allowSelf: boolean;
}

const RANK: Readonly<Record<Role, number>> = { USER: 1, ADMIN: 2 };

/** Roles are ordered: ADMIN includes USER. Pure and synchronous: it runs once per guarded field. */
export function can(caller: Principal, rule: AccessRule, ownerId: string | undefined): boolean {
  return RANK[caller.role] >= RANK[rule.requires] || (rule.allowSelf && ownerId === caller.userId);
}

export function isRole(value: unknown): value is Role {
  return value === 'USER' || value === 'ADMIN';
}
