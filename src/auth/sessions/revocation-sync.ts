import type { Clock } from '../../clock';
import type { ListenHandlers } from '../../db/listen';
import { decodeRevocation, type KeysChanged } from '../../db/revocation-channel';
import type { Store } from '../../db/store';
import { loadRevocations } from './load-revocations';
import type { RevocationList } from './revocation';
import type { UserCache } from '../users/user-cache';

export interface SyncLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface RevocationSync {
  /** True while the in-memory list is complete: listening, and reloaded since listening (re)started. */
  trusted(): boolean;
  /** Resolves once the reload that the last (re)start of listening began is done. */
  settled(): Promise<void>;
  /** To be given to the database's `listen`. */
  readonly handlers: ListenHandlers;
}

const MAX_RETRY_DELAY_MS = 2_000;

/**
 * Keeps the in-memory revocation list in step with every other instance. Notifications are
 * applied as they come; whenever listening (re)starts, whatever was announced meanwhile may have
 * been missed, so the list is reloaded from the database and is not trusted until that is done.
 */
export function createRevocationSync(deps: {
  store: Store;
  revocations: RevocationList;
  clock: Clock;
  retentionMs: number;
  log: SyncLog;
  /** The signing keys: told of their changes on the same channel, and reloaded with the list. */
  keys?: { apply(event: KeysChanged): void; reload(): Promise<void> };
  /** The cached user rows: each change heard drops its row, and a drop of the channel empties them. */
  users?: Pick<UserCache, 'changed' | 'reset'>;
}): RevocationSync {
  let trusted = false;
  let generation = 0;
  let reloading: Promise<void> = Promise.resolve();

  async function reload(mine: number): Promise<void> {
    for (let delay = 50; mine === generation; delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS)) {
      try {
        await Promise.all([loadRevocations(deps), deps.keys?.reload()]);
        if (mine !== generation) return;
        const resumed = mine > 1;
        // Whatever was read while the channel was away may be stale: refilled from the database from here on.
        deps.users?.reset();
        trusted = true;
        deps.log.info(
          { revocations: deps.revocations.size() },
          resumed ? 'revocation list reloaded: verifying tokens from memory again' : 'revocation list loaded',
        );
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  return {
    trusted: () => trusted,
    settled: () => reloading,
    handlers: {
      onMessage(payload) {
        const event = decodeRevocation(payload);
        if (event === undefined) return;
        if (event.kind === 'keys') deps.keys?.apply(event);
        else if (event.kind === 'userChanged') deps.users?.changed(event.userId);
        else {
          deps.revocations.apply(event);
          if (event.kind === 'user') deps.users?.changed(event.userId);
        }
      },
      onUp() {
        generation += 1;
        deps.users?.reset();
        reloading = reload(generation);
      },
      onDown() {
        generation += 1;
        trusted = false;
        deps.users?.reset();
        deps.log.warn({}, 'revocation notifications lost: checking every token against the database until they are back');
      },
    },
  };
}
