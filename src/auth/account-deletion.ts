import type { Clock } from '../clock';
import { accountDeleted } from '../db/revocation-channel';
import type { Store } from '../db/store';
import { InputError, LastAdminError } from '../errors';
import type { Actor } from './audit/actor';
import { auditEvent } from './audit/audit-event';
import { isId } from './ids';
import type { AttemptLimiter } from './limits/attempt-limiter';
import { createCurrentPasswordCheck } from './passwords/current-password';
import type { PasswordHasher } from './passwords/password';
import type { Principal } from './principal';
import type { RevocationList } from './sessions/revocation';

/** The end of an account: its sessions, tokens, mail tokens and second factor go with it; its names are free again. */
export interface AccountDeletion {
  /** The caller's own, with the current password checked as for changeEmail (a wrong one counts as a failed login). */
  deleteAccount(caller: Principal, currentPassword: string, actor: Actor): Promise<true>;

  /** An ADMIN's: anyone's. */
  deleteUser(userId: string, actor: Actor): Promise<true>;
}

export function createAccountDeletion(deps: { store: Store; passwords: PasswordHasher; limits: AttemptLimiter; revocations: RevocationList; clock: Clock }): AccountDeletion {
  const { store, revocations, clock } = deps;
  const checkCurrentPassword = createCurrentPasswordCheck(deps);

  /**
   * One transaction: the row goes (refused for the last enabled ADMIN), the deletion is announced
   * on the revocation channel, and the log records it and forgets the IPs and agents of the
   * account's events (see the README: what the log keeps of a deleted account).
   */
  async function remove(userId: string, actor: Actor): Promise<boolean> {
    const at = new Date(clock.now());
    const deleted = await store.transaction(async (tx) => {
      const gone = await tx.users.delete(userId, at);
      if (typeof gone !== 'object') return gone;
      await tx.audit.forgetClientOf(userId);
      // The actor's own client is kept only when an ADMIN deleted it: it is the ADMIN's trace, not the account's.
      const client = actor.id === userId ? { ip: undefined, userAgent: undefined } : actor.client;
      await tx.audit.record([auditEvent('ACCOUNT_DELETED', userId, actor.id, client, at)]);
      return gone;
    });
    if (deleted === 'LAST_ADMIN') throw new LastAdminError();
    if (deleted) revocations.apply(accountDeleted(userId, at));
    return deleted !== undefined;
  }

  return {
    async deleteAccount(caller, currentPassword, actor) {
      const user = await checkCurrentPassword(caller, currentPassword, actor.client);
      await remove(user.id, actor);
      return true;
    },

    async deleteUser(userId, actor) {
      if (!isId(userId) || !(await remove(userId, actor))) throw new InputError('userId', 'No user has that id.');
      return true;
    },
  };
}
