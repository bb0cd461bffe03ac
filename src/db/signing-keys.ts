import { desc, eq, sql } from 'drizzle-orm';
import type { NewAuditEvent } from './audit-repository';
import { createAuditRepository } from './audit-events';
import type { Database } from './client';
import { announce } from './revocation-channel';
import { sessions, type SigningKeyRow, signingKeys, type SigningKeyState } from './schema';

// Arbitrary but fixed: every instance takes this lock before changing the key set.
const SIGNING_KEYS_LOCK = 720_114_052;

/** The key set as one transaction sees it, under a lock every instance takes first. */
export interface LockedKeys {
  list(): Promise<SigningKeyRow[]>;
  insert(row: SigningKeyRow): Promise<void>;
  setState(kid: string, state: SigningKeyState, at: Partial<Pick<SigningKeyRow, 'activatedAt' | 'retiredAt'>>): Promise<void>;
  delete(kid: string): Promise<void>;
  /** Whether any session was ever opened: whether tokens signed before the key set existed may be alive. */
  anySessions(): Promise<boolean>;
  /** Tells every instance (on commit) to reload; `revokedKid` stops verifying at once. */
  announce(revokedKid?: string): Promise<void>;
  /** Records the change in the audit log, in the same transaction. */
  record(events: readonly NewAuditEvent[]): Promise<void>;
}

/** The signing keys, as the database holds them. */
export interface SigningKeyRepository {
  /** Every key, newest first. */
  list(): Promise<SigningKeyRow[]>;

  /**
   * Runs `work` in a transaction holding a lock every instance takes first: of instances changing
   * the key set at once, each sees what the one before it committed, so a rotation is carried out once.
   */
  locked<T>(work: (keys: LockedKeys) => Promise<T>): Promise<T>;
}

export function createSigningKeyRepository(db: Database): SigningKeyRepository {
  return {
    list: (): Promise<SigningKeyRow[]> => db.select().from(signingKeys).orderBy(desc(signingKeys.createdAt), desc(signingKeys.kid)),

    // A transaction-scoped advisory lock: released by the commit or the rollback, never left behind.
    locked<T>(work: (keys: LockedKeys) => Promise<T>): Promise<T> {
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${SIGNING_KEYS_LOCK})`);
        return work({
          list: () => tx.select().from(signingKeys).orderBy(desc(signingKeys.createdAt), desc(signingKeys.kid)),
          insert: async (row) => {
            await tx.insert(signingKeys).values(row);
          },
          setState: async (kid, state, at) => {
            await tx.update(signingKeys).set({ state, ...at }).where(eq(signingKeys.kid, kid));
          },
          delete: async (kid) => {
            await tx.delete(signingKeys).where(eq(signingKeys.kid, kid));
          },
          anySessions: async () => (await tx.select({ id: sessions.id }).from(sessions).limit(1)).length > 0,
          announce: (revokedKid) => announce(tx as unknown as Database, [{ kind: 'keys', revokedKid }]),
          record: (events) => createAuditRepository(tx as unknown as Database).record(events),
        });
      });
    },
  };
}
