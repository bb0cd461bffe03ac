import type { Clock } from '../clock';
import type { AuditRepository } from '../db/audit-repository';
import { auditEvent, NO_CLIENT } from './audit/audit-event';
import { sessionsEnded } from '../db/revocation-channel';
import type { UserRow } from '../db/schema';
import type { Store } from '../db/store';
import type { UserCache } from './users/user-cache';
import type { Sweeper } from '../db/sweeper';
import { AuthError, ConflictError, ForbiddenError } from '../errors';
import type { AttemptLimiter } from './limits/attempt-limiter';
import { createCurrentPasswordCheck } from './passwords/current-password';
import type { PasswordHasher } from './passwords/password';
import type { Principal } from './principal';
import { createOpenUserSession } from './sessions/open-user-session';
import { hashRefreshToken } from './tokens/refresh-token';
import type { RevocationList } from './sessions/revocation';
import type { IssuedSession, TokenIssuer } from './tokens/token-issuer';
import { emailNotVerified } from './mail/email-not-verified';
import { loginSchema, passwordSchema, registerSchema, validate } from './validation';

/** Where a session was opened from; shown back to the user in `sessions`. */
export interface ClientInfo {
  readonly ip: string | undefined;
  readonly userAgent: string | undefined;
}

export interface RegisterInput {
  readonly username: string;
  readonly email: string;
  readonly password: string;
}

export interface LoginInput {
  /** Username or email. */
  readonly username: string;
  readonly password: string;
}

export interface ChangePasswordInput {
  readonly currentPassword: string;
  readonly newPassword: string;
}

export interface AuthServiceDeps {
  readonly store: Store;
  readonly passwords: PasswordHasher;
  readonly tokens: TokenIssuer;
  readonly revocations: RevocationList;
  readonly clock: Clock;
  readonly limits: AttemptLimiter;
  /** Told of each session opened or refreshed, so that expired ones get deleted now and then. */
  readonly sessionSweeper: Sweeper;
  /** Open sessions an account may have (MAX_SESSIONS); opening one more ends the least recently used. */
  readonly maxSessions: number;
  /** The mails of registering and of changing the password; none by default. */
  readonly mail?: AccountMail;
  /** Filled with the row of each login and refresh, for the `me` that follows; none by default. */
  readonly userCache?: UserCache;
  /** Where failed sign-ins are written when the counters cannot carry them (Redis): the store's log unless given. */
  readonly failureLog?: Pick<AuditRepository, 'record'>;
  /** Told of each sign-in, so that events past AUDIT_RETENTION get deleted now and then. */
  readonly auditSweeper?: Sweeper;
}

/** What the account's own flows tell the mail side (src/auth/mail/), and whether an address must be verified to sign in. */
export interface AccountMail {
  readonly requireEmailVerification: boolean;
  /** Stores a verification token and queues its link; resolves once the token is stored. */
  registered(user: UserRow): Promise<void>;
  passwordChanged(user: UserRow): void;
}

const NO_MAIL: AccountMail = { requireEmailVerification: false, registered: async () => {}, passwordChanged: () => {} };

// A refresh token is 43 characters; anything much longer is not one.
const MAX_REFRESH_TOKEN_LENGTH = 128;

/** Registration, login and the life of a user's own sessions. */
export interface AuthService {
  /** A new USER account, signed in: its first session. */
  register(input: RegisterInput, client: ClientInfo): Promise<IssuedSession>;

  /**
   * Unknown user and wrong password: same error, same bcrypt work, same counting. Disabled: said
   * only after a right password. The attempt is counted before the password is checked.
   */
  login(input: LoginInput, client: ClientInfo): Promise<IssuedSession>;

  /** A new pair in the same session, the refresh token spent; a spent one presented again ends that session (REFRESH_TOKEN_REUSED). */
  refresh(refreshToken: string, client?: ClientInfo): Promise<IssuedSession>;

  /**
   * Ends the session of the refresh token and the session of the caller's access token, either
   * being optional. Idempotent: unknown or already ended sessions are no error.
   */
  logout(refreshToken: string | undefined, caller: Principal | undefined, client?: ClientInfo): Promise<true>;

  /**
   * Every other session of the caller ends; this one gets a fresh pair. A wrong current password
   * counts as a failed login of the account (a stolen access token must not be a way to guess it).
   */
  changePassword(caller: Principal, input: ChangePasswordInput, client: ClientInfo): Promise<IssuedSession>;
}

export function createAuthService(deps: AuthServiceDeps): AuthService {
  const { store, passwords, tokens, revocations, clock, limits, sessionSweeper, maxSessions, mail = NO_MAIL, userCache } = deps;
  const failureLog = deps.failureLog ?? store.audit;
  const now = () => new Date(clock.now());
  // A failed sign-in rides a statement that settles its count (no statement of its own); with counters in Redis it is written beside them.
  const failedLogin = (userId: string | null, client: ClientInfo) => (limits.recordsAudit ? auditEvent('LOGIN_FAILED', userId, null, client, now()) : undefined);
  const recordUnlessCounted = (userId: string | null, client: ClientInfo) =>
    limits.recordsAudit ? Promise.resolve() : failureLog.record([auditEvent('LOGIN_FAILED', userId, null, client, now())]);

  const checkCurrentPassword = createCurrentPasswordCheck({ store, passwords, limits, clock });
  const openSession = createOpenUserSession({ store, tokens, revocations, clock, sessionSweeper, maxSessions });

  return {
    async register(input: RegisterInput, client: ClientInfo): Promise<IssuedSession> {
      const valid = validate(registerSchema, input);
      await limits.countRegistration(client.ip);
      const passwordHash = await passwords.hash(valid.password);
      const at = now();
      const user = await store.transaction(async (tx) => {
        const created = await tx.users.create({ ...valid, passwordHash, role: 'USER', createdAt: at });
        // Thrown, so that the transaction (aborted by the unique index) rolls back.
        if (!created.ok) throw new ConflictError(created.taken);
        await tx.audit.record([auditEvent('REGISTERED', created.user.id, created.user.id, client, at)]);
        return created.user;
      });
      const created = { user };
      await mail.registered(created.user);
      // The account stands; it signs in once the link in the mail has been followed.
      if (mail.requireEmailVerification) throw emailNotVerified();
      return openSession(created.user, client);
    },

    async login(input: LoginInput, client: ClientInfo): Promise<IssuedSession> {
      const valid = validate(loginSchema, input);
      deps.auditSweeper?.tidy();
      const ticket = userCache?.ticket();
      const user = await store.users.findByLogin(valid.username);
      // Counted for the name typed and for its account (attempt-limiter.ts says why both).
      const attempt = await limits.beginLogin(valid.username, user && { id: user.id, names: [user.username, user.email] }, client.ip);
      // An account with no guess left from this IP is compared against no hash: a wrong password, in the same time.
      const matches = await passwords.verify(valid.password, attempt.mayCheckPassword ? user?.passwordHash : undefined);
      if (!user || !matches) {
        // Never the name typed: with no account it may be a password typed in the wrong box.
        await Promise.all([attempt.failed(failedLogin(user?.id ?? null, client)), recordUnlessCounted(user?.id ?? null, client)]);
        throw new AuthError('BAD_CREDENTIALS');
      }
      if (user.disabled) {
        await Promise.all([attempt.succeeded(failedLogin(user.id, client)), recordUnlessCounted(user.id, client)]);
        throw new ForbiddenError('This account is disabled.');
      }
      if (mail.requireEmailVerification && !user.emailVerified) {
        await attempt.succeeded();
        throw emailNotVerified();
      }
      // The counters are settled while the session is opened: one round trip the fewer to wait for.
      // With a second factor to give, the sign-in is not complete, so the count is not restarted.
      const [issued] = await Promise.all([openSession(user, client), user.totpSecret === null ? attempt.succeeded() : attempt.passwordOnly()]);
      if (ticket !== undefined) userCache?.fill(user, ticket);
      return issued;
    },

    async refresh(refreshToken: string, client: ClientInfo = NO_CLIENT): Promise<IssuedSession> {
      if (refreshToken.length === 0 || refreshToken.length > MAX_REFRESH_TOKEN_LENGTH) throw new AuthError('REFRESH_TOKEN_INVALID');
      sessionSweeper.tidy();
      const next = tokens.nextRefreshToken();
      const result = await store.sessions.rotate(hashRefreshToken(refreshToken), next.record, now(), client);
      switch (result.kind) {
        case 'rotated': {
          // From the database, not the cache: the new token carries the role and token version it holds now.
          const ticket = userCache?.ticket();
          const user = await store.users.findById(result.userId);
          if (!user) throw new AuthError('REFRESH_TOKEN_INVALID');
          if (ticket !== undefined) userCache?.fill(user, ticket);
          return tokens.issue(user, { id: result.sessionId, authTime: result.authTime, secondFactor: result.secondFactor }, next);
        }
        case 'reused':
          revocations.applyAll(sessionsEnded(result.ended));
          throw new AuthError('REFRESH_TOKEN_REUSED');
        case 'invalid':
          throw new AuthError('REFRESH_TOKEN_INVALID');
      }
    },

    async logout(refreshToken: string | undefined, caller: Principal | undefined, client: ClientInfo = NO_CLIENT): Promise<true> {
      const ids: string[] = caller ? [caller.sessionId] : [];
      if (refreshToken && refreshToken.length <= MAX_REFRESH_TOKEN_LENGTH) {
        const session = await store.sessions.findByTokenHash(hashRefreshToken(refreshToken));
        if (session) ids.push(session.id);
      }
      if (ids.length === 0) return true;
      const at = now();
      const ended = await store.transaction(async (tx) => {
        const done = await tx.sessions.revoke(ids, at);
        // Whoever holds a session's token or its access token is the account itself, as far as anyone can tell.
        await tx.audit.record(done.map((s) => auditEvent('LOGGED_OUT', s.userId, s.userId, client, at)));
        return done;
      });
      revocations.applyAll(sessionsEnded(ended));
      return true;
    },

    async changePassword(caller: Principal, input: ChangePasswordInput, client: ClientInfo): Promise<IssuedSession> {
      const newPassword = validate(passwordSchema, input.newPassword, 'newPassword');
      const user = await checkCurrentPassword(caller, input.currentPassword, client);
      const passwordHash = await passwords.hash(newPassword);
      const refresh = tokens.nextRefreshToken();
      const at = now();
      const revoked = await store.transaction(async (tx) => {
        // The account's row before its sessions, as opening a session locks them: no deadlock between the two.
        await tx.users.setPasswordHash(user.id, passwordHash);
        // The caller's own session ended meanwhile: roll the whole change back.
        const reissued = await tx.sessions.reissue(caller.sessionId, refresh.record, at);
        if (!reissued) throw new AuthError('TOKEN_REVOKED');
        const ended = await tx.sessions.revokeAllOf(user.id, at, caller.sessionId);
        await tx.audit.record([auditEvent('PASSWORD_CHANGED', user.id, caller.userId, client, at)]);
        return { session: reissued, ended };
      });
      revocations.applyAll(sessionsEnded(revoked.ended));
      mail.passwordChanged(user);
      return tokens.issue(user, revoked.session, refresh);
    },
  };
}
