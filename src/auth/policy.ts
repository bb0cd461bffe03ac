import type { Principal, Role } from './principal';

export interface AccessRule {
  readonly requires: Role;
  /** The owner of the object may pass whatever their role. */
  readonly allowSelf: boolean;
  /** Seconds: the session must have proven its password this recently. */
  readonly fresh?: number;
  /** False admits a session that still owes its second factor; true or absent refuses it. */
  readonly mfa?: boolean;
}

const RANK: Readonly<Record<Role, number>> = { USER: 1, ADMIN: 2 };

/** Roles are ordered: ADMIN includes USER. Pure and synchronous: it runs once per guarded field. */
export function can(caller: Principal, rule: AccessRule, ownerId: string | undefined): boolean {
  return RANK[caller.role] >= RANK[rule.requires] || (rule.allowSelf && ownerId === caller.userId);
}

/** What compileRule gives for a rule that every signed-in caller meets: callers may skip the call. */
export const ANY_CALLER = (): boolean => true;

/**
 * The rule as a check over (caller, object), leaving out the work the rule cannot need: a rule
 * every role meets is ANY_CALLER, and only `allowSelf` looks for the object's owner.
 */
export function compileRule<Source>(rule: AccessRule, ownerOf: ((source: Source) => string) | undefined): (caller: Principal, source: Source) => boolean {
  if (Object.values(RANK).every((rank) => rank >= RANK[rule.requires])) return ANY_CALLER;
  if (!rule.allowSelf || !ownerOf) return (caller) => RANK[caller.role] >= RANK[rule.requires];
  return (caller, source) => can(caller, rule, ownerOf(source));
}

/** Whether the caller's session proved its password within `fresh` seconds of `nowMs`. */
export function isFresh(caller: Principal, fresh: number, nowMs: number): boolean {
  return caller.authTime !== undefined && nowMs / 1000 - caller.authTime <= fresh;
}

export function isRole(value: unknown): value is Role {
  return value === 'USER' || value === 'ADMIN';
}
