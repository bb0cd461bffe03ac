import type { Clock } from '../clock';
import { userCutoff } from '../db/revocation-channel';
import type { Role, UserRow } from '../db/schema';
import type { Store } from '../db/store';
import type { UserCache } from './users/user-cache';
import type { UserKey } from '../db/user-repository';
import { ConflictError, InputError, LastAdminError } from '../errors';
import { type Actor, SERVICE } from './audit/actor';
import { auditEvent, NO_CLIENT } from './audit/audit-event';
import { isId } from './ids';
import { decodePageCursor, encodePageCursor } from './page-cursor';
import type { PasswordHasher } from './passwords/password';
import type { RevocationList } from './sessions/revocation';
import { registerSchema, validate } from './validation';

export interface UserPage {
  readonly edges: readonly { readonly cursor: string; readonly node: UserRow }[];
  readonly hasNextPage: boolean;
  readonly totalCount: number;
}

export interface NewAccount {
  readonly username: string;
  readonly email: string;
  readonly password: string;
  readonly role: Role;
}

/**
 * What start-up (or the command line) did for its ADMIN: created it, made the one account holding
 * both that username and that email ADMIN, found it ADMIN already, or refused because the
 * username, the email or each of them belongs to another account (`holders` are their ids).
 */
export type EnsureAdminResult =
  | { readonly action: 'created' | 'promoted' | 'unchanged'; readonly user: UserRow }
  | { readonly action: 'refused'; readonly taken: 'username' | 'email' | 'both'; readonly holders: readonly string[] };

// The account holding a name can vanish between the insert and the reads (deleted meanwhile):
// trying again settles it, and a few times is enough for any real sequence of events.
const ENSURE_ADMIN_ATTEMPTS = 3;

/** Accounts as an ADMIN, the command line and start-up manage them. */
export interface UserService {
  findById(id: string): Promise<UserRow | undefined>;

  /** Oldest first, `first` in 1..100, after an opaque cursor. */
  page(first: number, after: string | null | undefined): Promise<UserPage>;

  /**
   * Older access tokens stop working; sessions stay, and their next refresh carries the new role.
   * Demoting the last enabled ADMIN is refused (LastAdminError). `actor` is the ADMIN doing it.
   */
  setRole(userId: string, role: Role, actor?: Actor): Promise<UserRow>;

  /** Disabling ends every session and token at once (not the last enabled ADMIN's); enabling lets the user log in again. */
  setDisabled(userId: string, disabled: boolean, actor?: Actor): Promise<UserRow>;

  /** For the command line and start-up: any role, same validation as `register`. */
  create(account: NewAccount): Promise<UserRow>;

  /**
   * Creates the user as ADMIN when neither its username nor its email is taken, or makes ADMIN
   * the one account that has both (its password left alone). Whoever registered only the name
   * or only the address first is refused, never promoted. Instances starting at once with the
   * same account all succeed, with one ADMIN.
   */
  ensureAdmin(account: Omit<NewAccount, 'role'>): Promise<EnsureAdminResult>;
}

export interface UserServiceDeps {
  readonly store: Store;
  readonly passwords: PasswordHasher;
  readonly revocations: RevocationList;
  readonly clock: Clock;
  /** Where `findById` reads first; without one (the command line), every read goes to the database. */
  readonly cache?: UserCache;
}

export function createUserService(deps: UserServiceDeps): UserService {
  const { store, passwords, revocations, clock, cache } = deps;
  const now = () => new Date(clock.now());

  const noSuchUser = () => new InputError('userId', 'No user has that id.');

  async function setRole(userId: string, role: Role, actor: Actor = SERVICE): Promise<UserRow> {
    const at = now();
    const user = !isId(userId)
      ? undefined
      : await store.transaction(async (tx) => {
          const changed = await tx.users.setRole(userId, role, at);
          if (typeof changed === 'object') await tx.audit.record([auditEvent('ROLE_CHANGED', userId, actor.id, actor.client, at)]);
          return changed;
        });
    if (user === 'LAST_ADMIN') throw new LastAdminError();
    if (!user) throw noSuchUser();
    revocations.apply(userCutoff(user));
    return user;
  }

  async function readThrough(id: string): Promise<UserRow | undefined> {
    const ticket = cache?.ticket();
    const user = await store.users.findById(id);
    if (user && ticket !== undefined) cache?.fill(user, ticket);
    return user;
  }

  async function create(account: NewAccount): Promise<UserRow> {
    const valid = validate(registerSchema, account);
    const passwordHash = await passwords.hash(valid.password);
    const at = now();
    return store.transaction(async (tx) => {
      // An ADMIN is made by the operator, who vouches for its address.
      const created = await tx.users.create({ ...valid, passwordHash, role: account.role, emailVerified: account.role === 'ADMIN', createdAt: at });
      // Thrown, so that the transaction (aborted by the unique index) rolls back.
      if (!created.ok) throw new ConflictError(created.taken);
      // The command line: the service itself, from no client.
      await tx.audit.record([auditEvent('REGISTERED', created.user.id, null, NO_CLIENT, at)]);
      return created.user;
    });
  }

  return {
    findById(id: string): Promise<UserRow | undefined> {
      if (!isId(id)) return Promise.resolve(undefined);
      const held = cache?.get(id);
      if (held !== undefined) return Promise.resolve(held);
      return readThrough(id);
    },

    async page(first: number, after: string | null | undefined): Promise<UserPage> {
      if (!Number.isInteger(first) || first < 1 || first > 100) throw new InputError('first', '`first` must be 1 to 100.');
      const key = after == null ? undefined : decodeCursor(after);
      const [rows, totalCount] = await Promise.all([store.users.page(first + 1, key), store.users.count()]);
      const nodes = rows.slice(0, first);
      return { edges: nodes.map((node) => ({ cursor: encodeCursor(node), node })), hasNextPage: rows.length > first, totalCount };
    },

    setRole,

    async setDisabled(userId: string, disabled: boolean, actor: Actor = SERVICE): Promise<UserRow> {
      const at = now();
      const user = !isId(userId)
        ? undefined
        : await store.transaction(async (tx) => {
            // The account's row before its sessions, as opening a session locks them: no deadlock between the two.
            const changed = await tx.users.setDisabled(userId, disabled, at);
            if (typeof changed !== 'object') return changed;
            if (disabled) await tx.sessions.revokeAllOf(userId, at);
            await tx.audit.record([auditEvent(disabled ? 'DISABLED' : 'ENABLED', userId, actor.id, actor.client, at)]);
            return changed;
          });
      if (user === 'LAST_ADMIN') throw new LastAdminError();
      if (!user) throw noSuchUser();
      if (disabled) revocations.apply(userCutoff(user));
      return user;
    },

    create,

    // The database decides (see UserRepository.claim), which is what keeps concurrent start-ups to one ADMIN.
    async ensureAdmin(account: Omit<NewAccount, 'role'>): Promise<EnsureAdminResult> {
      const valid = validate(registerSchema, account);
      const row = { ...valid, passwordHash: await passwords.hash(valid.password), role: 'ADMIN' as const, emailVerified: true };
      for (let attempt = 1; ; attempt += 1) {
        const at = now();
        const { inserted, byUsername, byEmail } = await store.transaction(async (tx) => {
          const claimed = await tx.users.claim({ ...row, createdAt: at });
          if (claimed.inserted) await tx.audit.record([auditEvent('REGISTERED', claimed.inserted.id, null, NO_CLIENT, at)]);
          return claimed;
        });
        if (inserted) return { action: 'created', user: inserted };
        if (byUsername && byUsername.id === byEmail?.id) {
          if (byUsername.role === 'ADMIN') {
            // An ADMIN from before addresses were verified counts as verified too.
            const user = byUsername.emailVerified ? byUsername : ((await store.users.markEmailVerified(byUsername.id, byUsername.email)) ?? byUsername);
            return { action: 'unchanged', user };
          }
          const promoted = await store.transaction(async (tx) => {
            const done = await tx.users.promoteToAdmin(byUsername.id, at);
            if (done) await tx.audit.record([auditEvent('ROLE_CHANGED', done.id, null, NO_CLIENT, at)]);
            return done;
          });
          if (promoted) {
            revocations.apply(userCutoff(promoted));
            return { action: 'promoted', user: promoted };
          }
          // Another instance promoted it first, or it was deleted: the next claim tells which.
        } else if (byUsername || byEmail) {
          const holders = [byUsername?.id, byEmail?.id].filter((id) => id !== undefined);
          return { action: 'refused', taken: byUsername && byEmail ? 'both' : byUsername ? 'username' : 'email', holders };
        }
        if (attempt === ENSURE_ADMIN_ATTEMPTS) throw new Error('the ADMIN account kept changing while it was being set up');
      }
    },
  };
}

const encodeCursor = (key: UserKey): string => encodePageCursor(key.createdAt, key.id);

function decodeCursor(cursor: string): UserKey {
  const { at, key } = decodePageCursor(cursor, isId);
  return { createdAt: at, id: key };
}
