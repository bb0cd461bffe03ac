import type { Clock } from '../../clock';
import { sessionsEnded, userCutoff } from '../../db/revocation-channel';
import type { Store } from '../../db/store';
import type { Sweeper } from '../../db/sweeper';
import { InputError } from '../../errors';
import { type Actor, SERVICE } from '../audit/actor';
import { auditEvent } from '../audit/audit-event';
import type { ClientInfo } from '../auth-service';
import { isId } from '../ids';
import type { AttemptLimiter } from '../limits/attempt-limiter';
import type { PasswordHasher } from '../passwords/password';
import type { OpenUserSession } from '../sessions/open-user-session';
import type { RevocationList } from '../sessions/revocation';
import type { IssuedSession } from '../tokens/token-issuer';
import { emailSchema, passwordSchema, validate } from '../validation';
import type { MailLimits } from './mail-limits';
import { badMailToken, newMailToken, presentedTokenHash, RESET_TOKEN_TTL_MS } from './mail-token';
import type { Mailer } from './mailer';
import { templates } from './templates';

export type PasswordResetService = ReturnType<typeof createPasswordResetService>;

export function createPasswordResetService(deps: {
  store: Store;
  passwords: PasswordHasher;
  mailer: Mailer;
  limits: MailLimits;
  attempts: AttemptLimiter;
  openSession: OpenUserSession;
  revocations: RevocationList;
  clock: Clock;
  /** Told of each token issued, so that expired ones get deleted now and then. */
  tokenSweeper: Sweeper;
}) {
  const { store, passwords, mailer, limits, attempts, openSession, revocations, clock, tokenSweeper } = deps;

  const now = () => new Date(clock.now());

  return {
    /**
     * True whether or not an account has the address: the same checks, the same counting, the same
     * statements (mail-tokens.ts), and the mail only queued, so nothing in the answer or its time tells.
     */
    async requestPasswordReset(email: string, client: ClientInfo): Promise<true> {
      mailer.assertOn();
      const address = validate(emailSchema, email, 'email');
      await limits.countResetRequest(address, client.ip);
      tokenSweeper.tidy();
      const pending = newMailToken(clock, RESET_TOKEN_TTL_MS);
      const user = await store.mailTokens.issueResetByEmail(address, pending.record, client);
      if (user) mailer.send(templates.passwordReset(user, mailer.link('reset-password', pending.token)));
      return true;
    },

    /** An ADMIN's way to help a locked-out user: the same mail, to the account's address. */
    async sendPasswordReset(userId: string, actor: Actor = SERVICE): Promise<true> {
      mailer.assertOn();
      const user = isId(userId) ? await store.users.findById(userId) : undefined;
      if (!user) throw new InputError('userId', 'No user has that id.');
      tokenSweeper.tidy();
      const pending = newMailToken(clock, RESET_TOKEN_TTL_MS);
      await store.transaction(async (tx) => {
        await tx.mailTokens.issue(user.id, 'RESET_PASSWORD', user.email, pending.record, true);
        await tx.audit.record([auditEvent('PASSWORD_RESET_REQUESTED', user.id, actor.id, actor.client, now())]);
      });
      mailer.send(templates.passwordReset(user, mailer.link('reset-password', pending.token)));
      return true;
    },

    /**
     * Sets the password and ends every session and access token of the account, as logoutAll does,
     * on every instance; clears the failed logins counted from this IP; marks the address verified
     * (the link reached it); and opens a new session.
     */
    async resetPassword(token: string, newPassword: string, client: ClientInfo): Promise<IssuedSession> {
      const tokenHash = presentedTokenHash(token);
      const password = validate(passwordSchema, newPassword, 'newPassword');
      // Looked up before bcrypt, so that a made-up token costs no hashing; spent only below.
      if (!(await store.mailTokens.find(tokenHash, ['RESET_PASSWORD'], now()))) throw badMailToken();
      const passwordHash = await passwords.hash(password);
      const at = now();
      const done = await store.transaction(async (tx) => {
        const spent = await tx.mailTokens.spend(tokenHash, ['RESET_PASSWORD'], at);
        if (!spent) return undefined;
        // The account's row before its sessions, as opening a session locks them: no deadlock between the two.
        const user = await tx.users.resetPassword(spent.userId, passwordHash, at);
        if (!user) return undefined;
        const ended = await tx.sessions.revokeAllOf(user.id, at);
        // A reset may follow a takeover: a change of address still pending goes too.
        await tx.mailTokens.voidAll(user.id, ['RESET_PASSWORD', 'CHANGE_EMAIL']);
        await tx.audit.record([auditEvent('PASSWORD_RESET', user.id, user.id, client, at)]);
        return { user, ended };
      });
      if (!done) throw badMailToken();
      const { user, ended } = done;
      revocations.apply(userCutoff(user));
      revocations.applyAll(sessionsEnded(ended));
      await attempts.clearFailures({ id: user.id, names: [user.username, user.email] }, client.ip);
      mailer.send(templates.passwordWasReset(user));
      // An account with a second factor would get a pair pending that factor here.
      return openSession(user, client);
    },
  };
}
