import type { Clock } from '../../clock';
import type { UserRow } from '../../db/schema';
import type { Store } from '../../db/store';
import { InputError } from '../../errors';
import { type AuditClient, auditEvent } from '../audit/audit-event';
import type { AttemptLimiter } from '../limits/attempt-limiter';
import type { Principal } from '../principal';
import { presentedPasswordSchema, validate } from '../validation';
import type { PasswordHasher } from './password';

/** Checks the caller's own current password; resolves with their row when it is right. */
export type CurrentPasswordCheck = (caller: Principal, presented: unknown, client: AuditClient) => Promise<UserRow>;

/**
 * The check before a change of password, address or a deletion. It is counted and recorded as a
 * sign-in of the account would be: a stolen access token must not be a way to guess the password.
 */
export function createCurrentPasswordCheck(deps: { store: Store; passwords: PasswordHasher; limits: AttemptLimiter; clock: Clock }): CurrentPasswordCheck {
  const { store, passwords, limits, clock } = deps;
  return async (caller, presented, client) => {
    const current = validate(presentedPasswordSchema, presented, 'currentPassword');
    const user = await store.users.findById(caller.userId);
    const attempt = await limits.beginPasswordCheck({ id: caller.userId, names: user ? [user.username, user.email] : [] }, client.ip);
    if (!(await passwords.verify(current, user?.passwordHash)) || !user) {
      const failed = auditEvent('LOGIN_FAILED', caller.userId, caller.userId, client, new Date(clock.now()));
      await Promise.all([attempt.failed(), store.audit.record([failed])]);
      throw new InputError('currentPassword', 'The current password is wrong.');
    }
    await attempt.succeeded();
    return user;
  };
}
