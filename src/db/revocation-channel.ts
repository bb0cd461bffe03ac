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

/** Everything the channel carries. */
export type ChannelEvent = RevocationEvent | KeysChanged;

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
  if (!Array.isArray(value) || typeof value[1] !== 'string' || typeof value[2] !== 'number') return undefined;
  const [kind, id, at, minVersion] = value as [unknown, string, number, unknown];
  if (kind === 's') return { kind: 'session', sessionId: id, at };
  if (kind === 'u' && typeof minVersion === 'number') return { kind: 'user', userId: id, minVersion, at };
  return undefined;
}
