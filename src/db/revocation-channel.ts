import { type AnyColumn, type SQL, sql } from 'drizzle-orm';
import type { Database } from './client';

/** The channel on which every instance hears what another one revoked. */
export const REVOCATION_CHANNEL = 'gatehouse_revocations';

export type RevocationEvent =
  | { readonly kind: 'session'; readonly sessionId: string; readonly at: number }
  /** Every access token of the user with a version below `minVersion` is dead. */
  | { readonly kind: 'user'; readonly userId: string; readonly minVersion: number; readonly at: number };

/**
 * The signing keys changed (a rotation, a key dropped): every instance reloads them. `revokedKid`,
 * when set, names a key that must stop verifying at once, before the reload is done.
 */
export interface KeysChanged {
  readonly kind: 'keys';
  readonly revokedKid: string | undefined;
}

/** A user's row changed (any column a read can show, or the row is gone): every instance drops its copy. */
export interface UserChanged {
  readonly kind: 'userChanged';
  readonly userId: string;
}

/** Everything the channel carries. */
export type ChannelEvent = RevocationEvent | KeysChanged | UserChanged;

/**
 * Told of users whose rows a transaction is changing, as it announces them (before it commits):
 * this instance stops serving their old rows at once, before its own NOTIFY comes back.
 */
export type UserChangeHook = (userIds: readonly string[]) => void;

/**
 * Queues the events on the channel. Called inside the transaction that made the change:
 * PostgreSQL delivers a NOTIFY only when its transaction commits, so nothing is announced that
 * did not happen, and nothing that happened goes unannounced.
 */
export async function announce(db: Database, events: readonly ChannelEvent[]): Promise<void> {
  if (events.length === 0) return;
  const payloads = JSON.stringify(events.map(encode));
  await db.execute(sql`select pg_notify(${REVOCATION_CHANNEL}, p) from json_array_elements_text(${payloads}::json) as p`);
}

/**
 * The one call every write to a user row makes, inside the transaction that writes it: tells this
 * instance (`hook`) and queues the change for every other one, with any other events of the
 * same write (a token cut-off) in the same statement.
 */
export async function announceUserChange(
  db: Database,
  userIds: readonly string[],
  hook: UserChangeHook,
  also: readonly ChannelEvent[] = [],
): Promise<void> {
  if (userIds.length === 0 && also.length === 0) return;
  hook(userIds);
  await announce(db, [...also, ...userIds.map((userId): UserChanged => ({ kind: 'userChanged', userId }))]);
}

/** The event that announces a user's new token version (after setRole, logoutAll, disabling). */
export function userCutoff(user: { id: string; tokenVersion: number; tokensRevokedAt: Date | null }): RevocationEvent {
  return { kind: 'user', userId: user.id, minVersion: user.tokenVersion, at: (user.tokensRevokedAt ?? new Date(0)).getTime() };
}

/**
 * The event that announces a deleted account: every access token it holds is dead, whatever its
 * version. A user event, so that every instance (of any version) already understands it; whatever
 * keeps users in memory drops the account on hearing it.
 */
export function accountDeleted(userId: string, at: Date): RevocationEvent {
  return { kind: 'user', userId, minVersion: Number.MAX_SAFE_INTEGER, at: at.getTime() };
}

/** The events that announce ended sessions. */
export function sessionsEnded(sessions: readonly { id: string; revokedAt: Date }[]): RevocationEvent[] {
  return sessions.map((s) => ({ kind: 'session', sessionId: s.id, at: s.revokedAt.getTime() }));
}

/**
 * The NOTIFY of an ended session, built by the database: for a statement that alone knows which
 * sessions it ended. Its payload decodes as encode() writes a session event.
 */
export function notifySessionEnded(id: AnyColumn | SQL, revokedAt: AnyColumn | SQL): SQL {
  return sql`pg_notify(${REVOCATION_CHANNEL}, json_build_array('s', ${id}, (extract(epoch from ${revokedAt}) * 1000)::bigint)::text)`;
}

function encode(event: ChannelEvent): string {
  switch (event.kind) {
    case 'keys':
      return JSON.stringify(['k', event.revokedKid ?? null]);
    case 'session':
      return JSON.stringify(['s', event.sessionId, event.at]);
    case 'user':
      return JSON.stringify(['u', event.userId, event.at, event.minVersion]);
    case 'userChanged':
      return JSON.stringify(['c', event.userId]);
  }
}

/** The event in a notification, or undefined for anything this version does not understand. */
export function decodeRevocation(payload: string): ChannelEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (Array.isArray(value) && value[0] === 'k' && (value[1] === null || typeof value[1] === 'string')) {
    return { kind: 'keys', revokedKid: (value[1] as string | null) ?? undefined };
  }
  if (Array.isArray(value) && value[0] === 'c' && typeof value[1] === 'string') return { kind: 'userChanged', userId: value[1] };
  if (!Array.isArray(value) || typeof value[1] !== 'string' || typeof value[2] !== 'number') return undefined;
  const [kind, id, at, minVersion] = value as [unknown, string, number, unknown];
  if (kind === 's') return { kind: 'session', sessionId: id, at };
  if (kind === 'u' && typeof minVersion === 'number') return { kind: 'user', userId: id, minVersion, at };
  return undefined;
}
