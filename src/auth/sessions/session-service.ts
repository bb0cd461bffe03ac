import type { Clock } from '../../clock';
import { sessionsEnded, userCutoff } from '../../db/revocation-channel';
import type { SessionRow } from '../../db/schema';
import type { Store } from '../../db/store';
import { type AuditClient, auditEvent, NO_CLIENT } from '../audit/audit-event';
import { isId } from '../ids';
import type { Principal } from '../principal';
import type { RevocationList } from './revocation';

/** The sessions a user (or an ADMIN) sees and ends. */
export interface SessionService {
  /** Each user's live sessions, newest first, in the order of `userIds`. */
  listLive(userIds: readonly string[]): Promise<SessionRow[][]>;

  /** Every session ends and every access token of the user stops working. */
  logoutAll(caller: Principal, client?: AuditClient): Promise<true>;

  /**
   * Ends a session of the caller's, or anyone's for an ADMIN. False when there is no such
   * session the caller may see, so that others' session ids cannot be probed.
   */
  revoke(caller: Principal, sessionId: string, client?: AuditClient): Promise<boolean>;
}

export interface SessionServiceDeps {
  readonly store: Store;
  readonly revocations: RevocationList;
  readonly clock: Clock;
}

export function createSessionService({ store, revocations, clock }: SessionServiceDeps): SessionService {
  const now = () => new Date(clock.now());

  return {
    async listLive(userIds: readonly string[]): Promise<SessionRow[][]> {
      const rows = await store.sessions.listLive(userIds, now());
      const byUser = new Map<string, SessionRow[]>(userIds.map((id) => [id, []]));
      for (const row of rows) byUser.get(row.userId)?.push(row);
      return userIds.map((id) => byUser.get(id)!);
    },

    async logoutAll(caller: Principal, client: AuditClient = NO_CLIENT): Promise<true> {
      const at = now();
      // The account's row before its sessions, as opening a session locks them: no deadlock between the two.
      const user = await store.transaction(async (tx) => {
        const cut = await tx.users.revokeAllTokens(caller.userId, at);
        await tx.sessions.revokeAllOf(caller.userId, at);
        if (cut) await tx.audit.record([auditEvent('LOGGED_OUT_EVERYWHERE', caller.userId, caller.userId, client, at)]);
        return cut;
      });
      if (user) revocations.apply(userCutoff(user));
      return true;
    },

    async revoke(caller: Principal, sessionId: string, client: AuditClient = NO_CLIENT): Promise<boolean> {
      if (!isId(sessionId)) return false;
      const session = await store.sessions.findById(sessionId);
      if (!session || (session.userId !== caller.userId && caller.role !== 'ADMIN')) return false;
      const at = now();
      const ended = await store.transaction(async (tx) => {
        const done = await tx.sessions.revoke([sessionId], at);
        await tx.audit.record(done.map((s) => auditEvent('SESSION_REVOKED', s.userId, caller.userId, client, at)));
        return done;
      });
      revocations.applyAll(sessionsEnded(ended));
      return true;
    },
  };
}
