import type { Clock } from '../../clock';
import { sessionsEnded } from '../../db/revocation-channel';
import type { Store } from '../../db/store';
import type { RevocationList } from './revocation';

/** Fills the in-memory list with every revocation that can still affect an unexpired token. */
export async function loadRevocations(deps: { store: Store; revocations: RevocationList; clock: Clock; retentionMs: number }): Promise<void> {
  const since = new Date(deps.clock.now() - deps.retentionMs);
  const [sessions, cutoffs] = await Promise.all([deps.store.sessions.revokedSince(since), deps.store.users.cutoffsSince(since)]);
  deps.revocations.applyAll(sessionsEnded(sessions));
  deps.revocations.applyAll(cutoffs);
}
