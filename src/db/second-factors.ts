import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from './client';
import { announceUserChange, type UserChangeHook } from './revocation-channel';
import { recoveryCodes, type SecondFactor, sessions, type UserRow, users } from './schema';

/**
 * An account's TOTP factor (secrets stored as the auth layer sealed them) and recovery codes
 * (hashes only), and the second-factor state of its sessions. The checks that must not race
 * (a replayed step, a code spent twice, a confirmation of a replaced enrollment) are each one
 * conditional statement.
 */
export interface SecondFactorRepository {
  /** Stores an enrollment awaiting its first code; a confirmed factor, if any, is left as it is. */
  setPending(userId: string, sealedSecret: string): Promise<void>;

  /** Makes the pending enrollment the factor, with `step` accepted, if it is still `sealedSecret`; the user, or undefined. */
  confirm(userId: string, sealedSecret: string, step: number): Promise<UserRow | undefined>;

  /** Accepts `step` for the account's factor unless a step as late was accepted before (a replay). */
  acceptStep(userId: string, step: number): Promise<boolean>;

  /** Replaces every recovery code of the account. */
  replaceRecoveryCodes(userId: string, codeHashes: readonly string[], now: Date): Promise<void>;

  /** Spends a recovery code of the account: true once, false ever after. */
  spendRecoveryCode(userId: string, codeHash: string): Promise<boolean>;

  /** Removes the factor, any pending enrollment and every recovery code; the user, or undefined. */
  remove(userId: string): Promise<UserRow | undefined>;

  /** Sets a live session's second-factor state, and its `auth_time` when given (a sign-in). False when it has ended. */
  setSessionState(sessionId: string, secondFactor: SecondFactor, authTime: Date | undefined): Promise<boolean>;
}

/** Turning the factor on or off announces the change to the user's row (see announceUserChange). */
export function createSecondFactorRepository(db: Database, onChange: UserChangeHook = () => {}): SecondFactorRepository {
  return {
    async setPending(userId, sealedSecret) {
      await db.update(users).set({ totpPendingSecret: sealedSecret }).where(eq(users.id, userId));
    },

    confirm(userId, sealedSecret, step) {
      return db.transaction(async (t) => {
        const tx = t as unknown as Database;
        const [user] = await tx
          .update(users)
          .set({ totpSecret: sql`${users.totpPendingSecret}`, totpPendingSecret: null, totpLastStep: step })
          .where(and(eq(users.id, userId), eq(users.totpPendingSecret, sealedSecret)))
          .returning();
        if (user) await announceUserChange(tx, [user.id], onChange);
        return user;
      });
    },

    async acceptStep(userId, step) {
      const accepted = await db
        .update(users)
        .set({ totpLastStep: step })
        .where(and(eq(users.id, userId), sql`${users.totpSecret} is not null`, or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
        .returning({ id: users.id });
      return accepted.length === 1;
    },

    async replaceRecoveryCodes(userId, codeHashes, now) {
      await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
      if (codeHashes.length > 0) await db.insert(recoveryCodes).values(codeHashes.map((codeHash) => ({ codeHash, userId, createdAt: now })));
    },

    async spendRecoveryCode(userId, codeHash) {
      const spent = await db
        .delete(recoveryCodes)
        .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, codeHash)))
        .returning({ codeHash: recoveryCodes.codeHash });
      return spent.length === 1;
    },

    remove(userId) {
      return db.transaction(async (t) => {
        const tx = t as unknown as Database;
        const [user] = await tx.update(users).set({ totpSecret: null, totpPendingSecret: null, totpLastStep: null }).where(eq(users.id, userId)).returning();
        await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
        if (user) await announceUserChange(tx, [user.id], onChange);
        return user;
      });
    },

    async setSessionState(sessionId, secondFactor, authTime) {
      const updated = await db
        .update(sessions)
        .set({ secondFactor, ...(authTime ? { authTime } : {}) })
        .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
        .returning({ id: sessions.id });
      return updated.length === 1;
    },
  };
}
