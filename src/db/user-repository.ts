import type { SQL } from 'drizzle-orm';
import type { RevocationEvent } from './revocation-channel';
import type { Role, UserRow } from './schema';

export interface NewUser {
  readonly username: string;
  readonly email: string;
  readonly passwordHash: string;
  readonly role: Role;
  readonly createdAt: Date;
  /** An ADMIN made at start-up or by user:create counts as verified. */
  readonly emailVerified?: boolean;
}

export type CreateUserResult = { readonly ok: true; readonly user: UserRow } | { readonly ok: false; readonly taken: 'username' | 'email' };

/** What an insert that yields to existing accounts found: its row if it inserted, and who holds the name and the address. */
export interface ClaimResult {
  readonly inserted: UserRow | undefined;
  readonly byUsername: UserRow | undefined;
  readonly byEmail: UserRow | undefined;
}

/** Where a page of users starts: the last account of the page before, in creation order. */
export interface UserKey {
  readonly createdAt: Date;
  readonly id: string;
}

/**
 * The accounts, as the database holds them. Every change to a row is announced to every instance
 * in its transaction (announceUserChange), and those that end access tokens announce the cut-off too.
 */
export interface UserRepository {
  /** The unique indexes on lower(...) decide, so a racing duplicate is a value, not a crash. */
  create(input: NewUser): Promise<CreateUserResult>;

  /**
   * Inserts the user unless its username or its email is taken, then reads who holds each. The
   * unique indexes decide: an insert racing another one for the same name waits for it to commit,
   * then does nothing, and the reads after it see the winner.
   */
  claim(input: NewUser): Promise<ClaimResult>;

  findById(id: string): Promise<UserRow | undefined>;

  /**
   * By username, or by email when the login has an `@` (usernames cannot). Case-insensitive in
   * ASCII only: names and addresses are ASCII, and the database's lower() folds Unicode (the
   * Kelvin sign to `k`), so a login outside ASCII names no account.
   */
  findByLogin(login: string): Promise<UserRow | undefined>;

  /** Oldest first; `limit` rows after `after`. */
  page(limit: number, after: UserKey | undefined): Promise<UserRow[]>;

  count(): Promise<number>;

  setPasswordHash(id: string, passwordHash: string): Promise<void>;

  /**
   * Older access tokens of the user stop working (announced). LAST_ADMIN, changing nothing, when it
   * would demote the last enabled ADMIN: decided under a lock on the enabled ADMINs' rows, so of
   * two ADMINs demoting each other at once exactly one succeeds.
   */
  setRole(id: string, role: Role, at: Date): Promise<UserRow | undefined | 'LAST_ADMIN'>;

  /** Applies `change` and cuts off the user's access tokens (announced) when `onlyIf` holds of the row. */
  cutOffIf(id: string, change: Partial<Pick<UserRow, 'role' | 'disabled'>>, at: Date, onlyIf: SQL): Promise<UserRow | undefined>;

  /**
   * Deletes the account and, with it, its sessions, refresh tokens, mail tokens and second factor;
   * announces it on the revocation channel in the same transaction (`accountDeleted`), so its
   * access tokens stop on every instance. LAST_ADMIN, as `setRole`, for the last enabled ADMIN.
   */
  delete(id: string, at: Date): Promise<UserRow | undefined | 'LAST_ADMIN'>;

  /** Makes the user ADMIN unless it already is (then undefined), so of two instances doing it at once one does (announced). */
  promoteToAdmin(id: string, at: Date): Promise<UserRow | undefined>;

  /** Disabling also ends every access token of the user (announced); LAST_ADMIN as `setRole`. */
  setDisabled(id: string, disabled: boolean, at: Date): Promise<UserRow | undefined | 'LAST_ADMIN'>;

  /** Every access token issued to the user so far stops working (announced). */
  revokeAllTokens(id: string, at: Date): Promise<UserRow | undefined>;

  /**
   * After a reset by mail: the new password, the address verified (the link reached it), and
   * every access token issued so far stops working (announced).
   */
  resetPassword(id: string, passwordHash: string, at: Date): Promise<UserRow | undefined>;

  /** Marks the address verified if it is still the account's address. */
  markEmailVerified(id: string, email: string): Promise<UserRow | undefined>;

  /** Gives the account a new, verified address; `ok: false` when another account has it (the unique index decides). */
  changeEmail(id: string, email: string): Promise<{ readonly ok: true; readonly user: UserRow | undefined } | { readonly ok: false }>;

  /** Token cut-offs made after `since`: what an instance must know at start-up. */
  cutoffsSince(since: Date): Promise<RevocationEvent[]>;
}
