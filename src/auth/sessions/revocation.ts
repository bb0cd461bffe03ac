import type { Clock } from '../../clock';
import type { RevocationEvent } from '../../db/revocation-channel';
import type { AccessClaims } from '../tokens/access-token';

export type { RevocationEvent };

export interface RevocationList {
  isRevoked(claims: AccessClaims): boolean;
  apply(event: RevocationEvent): void;
  applyAll(events: readonly RevocationEvent[]): void;
  size(): { sessions: number; users: number };
}

/**
 * What has been revoked, in memory, so that checking a token costs no database query. An entry
 * only matters while a token it could kill may still be unexpired, so each one is forgotten
 * `retentionMs` (access-token lifetime plus clock leeway) after it was made: memory stays flat.
 */
export function createRevocationList(options: { clock: Clock; retentionMs: number }): RevocationList {
  const { clock, retentionMs } = options;
  const sessions = new Map<string, number>();
  const users = new Map<string, { minVersion: number; forgetAt: number }>();
  let nextSweep = 0;

  function sweep(now: number): void {
    if (now < nextSweep) return;
    nextSweep = now + Math.min(retentionMs, 60_000);
    for (const [id, forgetAt] of sessions) if (forgetAt <= now) sessions.delete(id);
    for (const [id, cut] of users) if (cut.forgetAt <= now) users.delete(id);
  }

  return {
    isRevoked(claims) {
      if (sessions.has(claims.sid)) return true;
      const cut = users.get(claims.sub);
      return cut !== undefined && claims.ver < cut.minVersion;
    },

    apply,
    applyAll: (events) => {
      for (const event of events) apply(event);
    },
    size: () => ({ sessions: sessions.size, users: users.size }),
  };

  function apply(event: RevocationEvent): void {
    const now = clock.now();
    sweep(now);
    const forgetAt = event.at + retentionMs;
    if (forgetAt <= now) return;
    switch (event.kind) {
      case 'session':
        sessions.set(event.sessionId, Math.max(forgetAt, sessions.get(event.sessionId) ?? 0));
        return;
      case 'user': {
        const cut = users.get(event.userId);
        users.set(event.userId, {
          minVersion: Math.max(event.minVersion, cut?.minVersion ?? 0),
          forgetAt: Math.max(forgetAt, cut?.forgetAt ?? 0),
        });
        return;
      }
    }
  }
}
