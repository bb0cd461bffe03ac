import { LRUCache } from 'lru-cache';
import type { Clock } from '../../clock';
import type { UserRow } from '../../db/schema';

/**
 * User rows by id, in memory, for the reads that answer queries (`me`, `user(id)`, a payload's
 * `user`). Kept true by the change events every user write announces on the channel; a change
 * made outside Gatehouse (in SQL, without the event) shows after at most `maxAgeMs`.
 */
export interface UserCache {
  /** The row, if held, younger than the max age, and the cache is trusted; else undefined (read the database). */
  get(id: string): UserRow | undefined;
  /** Taken before reading a row from the database; `fill` stores the row only if nothing was dropped or reset since. */
  ticket(): number;
  /** Stores a row read under `ticket`, unless a change or a reset came in between (it may be stale). */
  fill(row: UserRow, ticket: number): void;
  /**
   * A write of this instance is announcing a change to these users: their rows are dropped and not
   * stored again until the change is heard back on the channel (or `pendingMs` passes, if it rolled back).
   */
  changing(ids: readonly string[]): void;
  /** The channel announced a change to this user: its row is dropped. */
  changed(id: string): void;
  /** Forgets everything: the channel dropped or came back, and changes may have been missed. */
  reset(): void;
  /** Rows held (for tests and metrics). */
  size(): number;
}

export interface UserCacheSettings {
  /** Rows held at most; the least recently read go first. */
  readonly max: number;
  /** A row is read again from the database once it is this old. */
  readonly maxAgeMs: number;
  /** How long a row being changed by this instance stays out, when its change is never heard (a rollback). */
  readonly pendingMs: number;
}

/** Rows are a few hundred bytes: ten thousand is a few megabytes. */
export const DEFAULT_USER_CACHE: UserCacheSettings = { max: 10_000, maxAgeMs: 60_000, pendingMs: 10_000 };

interface Entry {
  readonly row: UserRow;
  readonly at: number;
}

export function createUserCache(deps: {
  clock: Clock;
  settings?: UserCacheSettings;
  /** False while the channel is down or being reloaded: then nothing is served or stored. */
  trusted: () => boolean;
}): UserCache {
  const { clock, trusted } = deps;
  const settings = deps.settings ?? DEFAULT_USER_CACHE;
  const rows = new LRUCache<string, Entry>({ max: settings.max });
  const pending = new Map<string, number>();
  // Moves on at every drop and reset: a fill whose read began before one of them may hold what
  // was just dropped, so it is not stored.
  let generation = 0;

  const isPending = (id: string): boolean => {
    const until = pending.get(id);
    if (until === undefined) return false;
    if (until > clock.now()) return true;
    pending.delete(id);
    return false;
  };

  return {
    get(id) {
      if (!trusted()) return undefined;
      const entry = rows.get(id);
      if (entry === undefined) return undefined;
      if (clock.now() - entry.at >= settings.maxAgeMs) {
        rows.delete(id);
        return undefined;
      }
      return entry.row;
    },

    ticket: () => generation,

    fill(row, ticket) {
      if (ticket !== generation || !trusted() || isPending(row.id)) return;
      rows.set(row.id, { row, at: clock.now() });
    },

    changing(ids) {
      generation += 1;
      const now = clock.now();
      // Marks whose change never came back (rolled back) are let go of, so the map stays small.
      if (pending.size >= settings.max) for (const [id, until] of pending) if (until <= now) pending.delete(id);
      const until = now + settings.pendingMs;
      for (const id of ids) {
        rows.delete(id);
        pending.set(id, until);
      }
    },

    changed(id) {
      generation += 1;
      rows.delete(id);
      pending.delete(id);
    },

    reset() {
      generation += 1;
      rows.clear();
      pending.clear();
    },

    size: () => rows.size,
  };
}
