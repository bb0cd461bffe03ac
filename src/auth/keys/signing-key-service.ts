import type { Clock } from '../../clock';
import { ConfigError } from '../../config/config';
import type { KeysChanged } from '../../db/revocation-channel';
import type { SigningKeyRow } from '../../db/schema';
import type { SigningKeyRepository } from '../../db/signing-keys';
import { type Actor, SERVICE } from '../audit/actor';
import { auditEvent } from '../audit/audit-event';
import { changeKeySet, type KeySetChange, type KeySetPolicy } from './change-key-set';
import type { KeyEncryption } from './key-encryption';
import type { KeyRing } from './key-ring';

export interface SigningKeyService {
  /** Makes the key set this configuration wants (once, however many instances start) and loads it; throws if this instance cannot sign. */
  start(): Promise<void>;
  /** The published keys, newest first. */
  list(): readonly SigningKeyRow[];
  /** NEXT becomes CURRENT now; refused (CONFLICT, retryAfter) until NEXT has been published long enough. */
  rotate(actor?: Actor): Promise<readonly SigningKeyRow[]>;
  /** The key leaves the JWKS and stops verifying, here and (by the announcement) everywhere. */
  revoke(kid: string, actor?: Actor): Promise<readonly SigningKeyRow[]>;
  /** For the revocation channel: another instance changed the keys. */
  apply(event: KeysChanged): void;
  /** Reads the keys again (the listener came back: changes may have been missed). */
  reload(): Promise<void>;
  stop(): void;
}

export interface KeyLog {
  warn(fields: object, message: string): void;
}

// setTimeout's limit is about 24.8 days; waking hourly also bounds how far off a drifting clock gets.
const MAX_TIMER_MS = 3_600_000;
const RETRY_MS = 5_000;
// Something due now is done at once, but never in a loop that could spin.
const MIN_TIMER_MS = 50;

/**
 * The key set's life: rotation when due (a timer set for the next thing due, on every instance:
 * the locked, deterministic change makes only the first of them do anything), on demand, and
 * revocation. Every change reloads the in-memory ring; other instances reload on its announcement.
 */
export function createSigningKeyService(deps: {
  repository: SigningKeyRepository;
  ring: KeyRing;
  encryption: KeyEncryption;
  policy: KeySetPolicy;
  clock: Clock;
  log: KeyLog;
}): SigningKeyService {
  const { repository, ring, policy, clock } = deps;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let loads = 0;

  let latest: Promise<void> = Promise.resolve();
  /** Resolves once the ring holds what the database held at the call, or later. */
  async function reload(): Promise<void> {
    const mine = ++loads;
    const read = repository.list().then((rows) => {
      // A slower, older read must not overwrite a newer one.
      if (mine !== loads) return;
      ring.replace(rows);
      schedule(rows);
    });
    latest = read;
    await read;
    // Overtaken by a newer read: that one is what this call promised.
    for (let newest = read; newest !== latest; ) await (newest = latest);
  }

  /** Changes the key set; a new CURRENT key (SIGNING_KEY_ROTATED) or a revoked one is recorded in the same transaction. */
  async function change(what: KeySetChange, by: Actor = SERVICE): Promise<void> {
    await repository.locked(async (keys) => {
      const now = clock.now();
      const before = (await keys.list()).find((row) => row.state === 'CURRENT')?.kid;
      if (!(await changeKeySet(keys, what, policy, deps.encryption, now))) return;
      const after = (await keys.list()).find((row) => row.state === 'CURRENT')?.kid;
      const at = new Date(now);
      const events = [];
      if (what.kind === 'revoke') events.push(auditEvent('SIGNING_KEY_REVOKED', null, by.id, by.client, at));
      if (before !== undefined && after !== before) events.push(auditEvent('SIGNING_KEY_ROTATED', null, by.id, by.client, at));
      await keys.record(events);
    });
    await reload();
  }

  /** The next moment something is due: a rotation, a NEXT key ready to replace a key of another algorithm, a PREVIOUS key to drop. */
  function schedule(rows: readonly SigningKeyRow[]): void {
    if (stopped) return;
    clearTimeout(timer);
    const moments: number[] = [];
    const current = rows.find((row) => row.state === 'CURRENT');
    const next = rows.find((row) => row.state === 'NEXT');
    if (current && next) {
      const ready = next.createdAt.getTime() + policy.publishMs;
      const rotation = current.algorithm === policy.algorithm ? (current.activatedAt?.getTime() ?? 0) + policy.rotationMs : 0;
      moments.push(Math.max(ready, rotation));
    }
    for (const row of rows) if (row.state === 'PREVIOUS') moments.push((row.retiredAt?.getTime() ?? 0) + policy.retentionMs);
    const due = moments.length === 0 ? Infinity : Math.min(...moments);
    const delay = Math.min(Math.max(due - clock.now(), MIN_TIMER_MS), MAX_TIMER_MS);
    timer = setTimeout(tick, delay).unref();
  }

  function tick(): void {
    change({ kind: 'maintain' }).catch((error: unknown) => {
      deps.log.warn({ err: (error as Error).message }, 'signing keys: could not carry out what was due; retrying');
      if (!stopped) timer = setTimeout(tick, RETRY_MS).unref();
    });
  }

  return {
    async start() {
      await change({ kind: 'maintain' });
      try {
        ring.signer();
      } catch (error) {
        // Another JWT_SECRET made these keys: say so, and what to do, rather than sign nothing.
        throw new ConfigError(
          `invalid configuration:\n  JWT_SECRET: ${(error as Error).message}. Restore the JWT_SECRET the keys were made under, or delete the rows of signing_keys to have new keys made (tokens the old keys signed then stop verifying; refresh tokens go on working).`,
        );
      }
    },
    list: () => ring.rows(),
    async rotate(actor) {
      await change({ kind: 'rotate' }, actor);
      return ring.rows();
    },
    async revoke(kid, actor) {
      await change({ kind: 'revoke', kid }, actor);
      return ring.rows();
    },
    apply(event) {
      if (event.revokedKid !== undefined) ring.drop(event.revokedKid);
      reload().catch((error: unknown) => deps.log.warn({ err: (error as Error).message }, 'signing keys: could not reload after a change'));
    },
    reload,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
