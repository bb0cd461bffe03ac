import type { Clock } from '../clock';
import type { Store } from '../db/store';
import type { RevocationList } from './revocation';

/** Fills the in-memory list with every revocation that can still affect an unexpired token. */
export async function loadRevocations(deps: { store: Store; revocations: RevocationList; clock: Clock; retentionMs: number }): Promise<void> {
  const since = new Date(deps.clock.now() - deps.retentionMs);
  const [sessions, cutoffs] = await Promise.all([deps.store.sessions.revokedSince(since), deps.store.users.cutoffsSince(since)]);
  for (const s of sessions) deps.revocations.apply({ kind: 'session', sessionId: s.id, at: s.revokedAt.getTime() });
  for (const c of cutoffs) deps.revocations.apply({ kind: 'user', userId: c.userId, minVersion: c.tokenVersion, at: c.at.getTime() });
}
