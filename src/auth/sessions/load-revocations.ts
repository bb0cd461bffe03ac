import type { Clock } from '../../clock';
import { accountDeleted, sessionsEnded } from '../../db/revocation-channel';
import type { Store } from '../../db/store';
import type { RevocationList } from './revocation';

/** Fills the in-memory list with every revocation that can still affect an unexpired token. */
export async function loadRevocations(deps: { store: Store; revocations: RevocationList; clock: Clock; retentionMs: number }): Promise<void> {
  const since = new Date(deps.clock.now() - deps.retentionMs);
  const [sessions, cutoffs, deleted] = await Promise.all([
    deps.store.sessions.revokedSince(since),
    deps.store.users.cutoffsSince(since),
    // A deleted account leaves no row to read a cut-off from: its ACCOUNT_DELETED event is the tombstone.
    deps.store.audit.deletedSince(since),
  ]);
  deps.revocations.applyAll(sessionsEnded(sessions));
  deps.revocations.applyAll(cutoffs);
  deps.revocations.applyAll(deleted.map((d) => accountDeleted(d.userId, d.at)));
}
