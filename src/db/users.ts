import { and, asc, count, eq, gt, isNotNull, sql } from 'drizzle-orm';
import type { Database } from './client';
import { type Role, type UserRow, users } from './schema';
import { uniqueViolation } from './unique-violation';

export interface NewUser {
  readonly username: string;
  readonly email: string;
  readonly passwordHash: string;
  readonly role: Role;
  readonly createdAt: Date;
}

export type CreateUserResult = { readonly ok: true; readonly user: UserRow } | { readonly ok: false; readonly taken: 'username' | 'email' };

export interface UserKey {
  readonly createdAt: Date;
  readonly id: string;
}

export interface UserCutoff {
  readonly userId: string;
  readonly tokenVersion: number;
  readonly at: Date;
}

const TAKEN_BY_INDEX: Readonly<Record<string, 'username' | 'email'>> = {
  users_username_lower_key: 'username',
  users_email_lower_key: 'email',
};

export type UserRepository = ReturnType<typeof createUserRepository>;

export function createUserRepository(db: Database) {
  /** Moves the user's token version on: every access token issued before now stops verifying. */
  const bumpTokens = (at: Date) => ({ tokenVersion: sql`${users.tokenVersion} + 1`, tokensRevokedAt: at });

  return {
    /** The unique indexes on lower(...) decide, so a racing duplicate is a value, not a crash. */
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

    async findById(id: string): Promise<UserRow | undefined> {
      const [user] = await db.select().from(users).where(eq(users.id, id));
      return user;
    },

    /** By username, or by email when the login has an `@` (usernames cannot). Case-insensitive. */
    async findByLogin(login: string): Promise<UserRow | undefined> {
      const column = login.includes('@') ? users.email : users.username;
      const [user] = await db
        .select()
        .from(users)
        .where(sql`lower(${column}) = lower(${login})`);
      return user;
    },

    /** Oldest first; `limit` rows after `after`. */
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
      await db.update(users).set({ passwordHash }).where(eq(users.id, id));
    },

    async setRole(id: string, role: Role, at: Date): Promise<UserRow | undefined> {
      const [user] = await db
        .update(users)
        .set({ role, ...bumpTokens(at) })
        .where(eq(users.id, id))
        .returning();
      return user;
    },

    async setDisabled(id: string, disabled: boolean, at: Date): Promise<UserRow | undefined> {
      const [user] = await db
        .update(users)
        .set(disabled ? { disabled, ...bumpTokens(at) } : { disabled })
        .where(eq(users.id, id))
        .returning();
      return user;
    },

    async revokeAllTokens(id: string, at: Date): Promise<UserRow | undefined> {
      const [user] = await db.update(users).set(bumpTokens(at)).where(eq(users.id, id)).returning();
      return user;
    },

    /** Token cut-offs made after `since`: what an instance must know at start-up. */
    async cutoffsSince(since: Date): Promise<UserCutoff[]> {
      const rows = await db
        .select({ userId: users.id, tokenVersion: users.tokenVersion, at: users.tokensRevokedAt })
        .from(users)
        .where(and(isNotNull(users.tokensRevokedAt), gt(users.tokensRevokedAt, since)));
      return rows.map((r) => ({ userId: r.userId, tokenVersion: r.tokenVersion, at: r.at! }));
    },
  };
}
