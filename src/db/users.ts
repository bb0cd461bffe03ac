import { and, asc, count, eq, gt, isNotNull, ne, type SQL, sql } from 'drizzle-orm';
import { builtOnce } from './built-once';
import type { Database } from './client';
import { accountDeleted, announceUserChange, type RevocationEvent, type UserChangeHook, userCutoff } from './revocation-channel';
import { type Role, type UserRow, users } from './schema';
import { uniqueViolation } from './unique-violation';
import type { ClaimResult, CreateUserResult, NewUser, UserKey, UserRepository } from './user-repository';

/** Printable ASCII: all a login name can hold (validation refuses control characters). */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

const enabledAdmin = and(eq(users.role, 'ADMIN'), eq(users.disabled, false));

const TAKEN_BY_INDEX: Readonly<Record<string, 'username' | 'email'>> = {
  users_username_lower_key: 'username',
  users_email_lower_key: 'email',
};

/** `onChange` hears of every change to a user row this repository announces (see announceUserChange). */
export function createUserRepository(db: Database, onChange: UserChangeHook = () => {}): UserRepository {
  const byLower = (column: typeof users.username | typeof users.email) =>
    db
      .select()
      .from(users)
      .where(sql`lower(${column}) = lower(${sql.placeholder('login')})`)
      .prepare(`users_by_lower_${column.name}`);
  const byId = builtOnce(() => db.select().from(users).where(eq(users.id, sql.placeholder('id'))).prepare('users_by_id'));
  const byUsername = builtOnce(() => byLower(users.username));
  const byEmail = builtOnce(() => byLower(users.email));

  /** Runs a write to a user's row and announces the change (and, when `cutOff`, the new token version) in its transaction. */
  const writeUser = (write: (tx: Database) => Promise<UserRow | undefined>, cutOff = false) =>
    db.transaction(async (t) => {
      const tx = t as unknown as Database;
      const user = await write(tx);
      if (user) await announceUserChange(tx, [user.id], onChange, cutOff ? [userCutoff(user)] : []);
      return user;
    });

  /** Applies `change` and moves the user's token version on, so every older access token stops verifying. */
  const updateAndCutOff = (id: string, change: Partial<Pick<UserRow, 'role' | 'disabled' | 'passwordHash' | 'emailVerified'>>, at: Date, onlyIf?: SQL) =>
    writeUser(async (tx) => {
      const [user] = await tx
        .update(users)
        .set({ ...change, tokenVersion: sql`${users.tokenVersion} + 1`, tokensRevokedAt: at })
        .where(and(eq(users.id, id), onlyIf))
        .returning();
      return user;
    }, true);

  /**
   * Runs `change` (which must honour `keepsAnAdmin`) after locking every enabled ADMIN's row: so
   * concurrent changes of ADMINs queue, and each one's condition reads what the one before left.
   * The rows are locked in id order, so two such changes never wait on each other in a circle;
   * they are locked before any session row, as a login does. LAST_ADMIN when the row exists but
   * the change would leave no enabled ADMIN.
   */
  const guarded = <T>(id: string, change: (tx: Database) => Promise<T | undefined>): Promise<T | undefined | 'LAST_ADMIN'> =>
    db.transaction(async (raw) => {
      const tx = raw as unknown as Database;
      await tx.select({ id: users.id }).from(users).where(enabledAdmin).orderBy(asc(users.id)).for('update');
      const done = await change(tx);
      if (done !== undefined) return done;
      const [exists] = await tx.select({ id: users.id }).from(users).where(eq(users.id, id));
      return exists ? 'LAST_ADMIN' : undefined;
    });

  /** The row is no enabled ADMIN, or another enabled ADMIN remains. */
  const keepsAnAdmin = (id: string) =>
    sql`(not (${users.role} = 'ADMIN' and not ${users.disabled}) or exists (select 1 from ${users} as other where other.role = 'ADMIN' and not other.disabled and other.id <> ${id}))`;

  return {
    async create(input: NewUser): Promise<CreateUserResult> {
      try {
        const [user] = await db.insert(users).values(input).returning();
        return { ok: true, user: user! };
      } catch (error) {
        const index = uniqueViolation(error);
        const taken = index === undefined ? undefined : TAKEN_BY_INDEX[index];
        if (taken === undefined) throw error;
        return { ok: false, taken };
      }
    },

    async claim(input: NewUser): Promise<ClaimResult> {
      const [inserted] = await db.insert(users).values(input).onConflictDoNothing().returning();
      const holder = async (column: typeof users.username | typeof users.email, value: string) =>
        (await db.select().from(users).where(sql`lower(${column}) = lower(${value})`))[0];
      return { inserted, byUsername: await holder(users.username, input.username), byEmail: await holder(users.email, input.email) };
    },

    async findById(id: string): Promise<UserRow | undefined> {
      const [user] = await byId().execute({ id });
      return user;
    },

    async findByLogin(login: string): Promise<UserRow | undefined> {
      if (!PRINTABLE_ASCII.test(login)) return undefined;
      const [user] = await (login.includes('@') ? byEmail() : byUsername()).execute({ login });
      return user;
    },

    async page(limit: number, after: UserKey | undefined): Promise<UserRow[]> {
      return db
        .select()
        .from(users)
        .where(
          after && sql`(${users.createdAt}, ${users.id}) > (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)`,
        )
        .orderBy(asc(users.createdAt), asc(users.id))
        .limit(limit);
    },

    async count(): Promise<number> {
      const [row] = await db.select({ n: count() }).from(users);
      return row?.n ?? 0;
    },

    async setPasswordHash(id: string, passwordHash: string): Promise<void> {
      await writeUser(async (tx) => (await tx.update(users).set({ passwordHash }).where(eq(users.id, id)).returning())[0]);
    },

    setRole(id: string, role: Role, at: Date): Promise<UserRow | undefined | 'LAST_ADMIN'> {
      if (role === 'ADMIN') return updateAndCutOff(id, { role }, at);
      return guarded(id, (tx) => createUserRepository(tx, onChange).cutOffIf(id, { role }, at, keepsAnAdmin(id)));
    },

    cutOffIf(id: string, change: Partial<Pick<UserRow, 'role' | 'disabled'>>, at: Date, onlyIf: SQL): Promise<UserRow | undefined> {
      return updateAndCutOff(id, change, at, onlyIf);
    },

    delete(id: string, at: Date): Promise<UserRow | undefined | 'LAST_ADMIN'> {
      return guarded(id, async (tx) => {
        // Sessions, refresh tokens, mail tokens and recovery codes go with the row (ON DELETE CASCADE).
        const [user] = await tx.delete(users).where(and(eq(users.id, id), keepsAnAdmin(id))).returning();
        if (user) await announceUserChange(tx, [id], onChange, [accountDeleted(id, at)]);
        return user;
      });
    },

    promoteToAdmin(id: string, at: Date): Promise<UserRow | undefined> {
      return updateAndCutOff(id, { role: 'ADMIN', emailVerified: true }, at, ne(users.role, 'ADMIN'));
    },

    async setDisabled(id: string, disabled: boolean, at: Date): Promise<UserRow | undefined | 'LAST_ADMIN'> {
      if (disabled) return guarded(id, (tx) => createUserRepository(tx, onChange).cutOffIf(id, { disabled }, at, keepsAnAdmin(id)));
      return writeUser(async (tx) => (await tx.update(users).set({ disabled }).where(eq(users.id, id)).returning())[0]);
    },

    revokeAllTokens(id: string, at: Date): Promise<UserRow | undefined> {
      return updateAndCutOff(id, {}, at);
    },

    resetPassword(id: string, passwordHash: string, at: Date): Promise<UserRow | undefined> {
      return updateAndCutOff(id, { passwordHash, emailVerified: true }, at);
    },

    markEmailVerified(id: string, email: string): Promise<UserRow | undefined> {
      return writeUser(
        async (tx) =>
          (await tx.update(users).set({ emailVerified: true }).where(and(eq(users.id, id), sql`lower(${users.email}) = lower(${email})`)).returning())[0],
      );
    },

    async changeEmail(id: string, email: string): Promise<{ readonly ok: true; readonly user: UserRow | undefined } | { readonly ok: false }> {
      try {
        const user = await writeUser(async (tx) => (await tx.update(users).set({ email, emailVerified: true }).where(eq(users.id, id)).returning())[0]);
        return { ok: true, user };
      } catch (error) {
        if (uniqueViolation(error) === 'users_email_lower_key') return { ok: false };
        throw error;
      }
    },

    /** Token cut-offs made after `since`: what an instance must know at start-up. */
    async cutoffsSince(since: Date): Promise<RevocationEvent[]> {
      const rows = await db
        .select({ id: users.id, tokenVersion: users.tokenVersion, tokensRevokedAt: users.tokensRevokedAt })
        .from(users)
        .where(and(isNotNull(users.tokensRevokedAt), gt(users.tokensRevokedAt, since)));
      return rows.map(userCutoff);
    },
  };
}
