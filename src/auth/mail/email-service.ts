import type { Clock } from '../../clock';
import type { UserRow } from '../../db/schema';
import type { Store } from '../../db/store';
import type { Sweeper } from '../../db/sweeper';
import { ConflictError } from '../../errors';
import { type AuditClient, auditEvent, NO_CLIENT } from '../audit/audit-event';
import type { AccountMail, ClientInfo } from '../auth-service';
import type { AttemptLimiter } from '../limits/attempt-limiter';
import { createCurrentPasswordCheck } from '../passwords/current-password';
import type { PasswordHasher } from '../passwords/password';
import type { Principal } from '../principal';
import { emailSchema, validate } from '../validation';
import type { MailLimits } from './mail-limits';
import { badMailToken, newMailToken, presentedTokenHash, VERIFICATION_TOKEN_TTL_MS } from './mail-token';
import type { Mailer } from './mailer';
import { templates } from './templates';

export interface ChangeEmailInput {
  readonly newEmail: string;
  readonly currentPassword: string;
}

export type EmailService = ReturnType<typeof createEmailService>;

export function createEmailService(deps: {
  store: Store;
  passwords: PasswordHasher;
  mailer: Mailer;
  limits: MailLimits;
  attempts: AttemptLimiter;
  clock: Clock;
  requireEmailVerification: boolean;
  /** Told of each token issued, so that expired ones get deleted now and then. */
  tokenSweeper: Sweeper;
}) {
  const { store, passwords, mailer, limits, attempts, clock, tokenSweeper } = deps;
  const now = () => new Date(clock.now());
  const checkCurrentPassword = createCurrentPasswordCheck({ store, passwords, limits: attempts, clock });

  async function sendVerification(user: UserRow): Promise<void> {
    tokenSweeper.tidy();
    const pending = newMailToken(clock, VERIFICATION_TOKEN_TTL_MS);
    await store.mailTokens.issue(user.id, 'VERIFY_EMAIL', user.email, pending.record, false);
    mailer.send(templates.emailVerification(user, mailer.link('verify-email', pending.token)));
  }

  /** What register and changePassword tell the mail side. */
  const accountMail: AccountMail = {
    requireEmailVerification: deps.requireEmailVerification,
    // With mail off no link could arrive: none is made.
    registered: (user) => (mailer.on ? sendVerification(user) : Promise.resolve()),
    passwordChanged: (user) => mailer.send(templates.passwordChanged(user)),
  };

  return {
    accountMail,

    /**
     * Follows a verification link: confirms the address it was sent to, if it is still the
     * account's; or, for a change of address, makes it the account's address, provided no other
     * account took it meanwhile (CONFLICT, and the link stays usable), and tells the old one.
     */
    async verifyEmail(token: string, client: AuditClient = NO_CLIENT): Promise<true> {
      const tokenHash = presentedTokenHash(token);
      const changed = await store.transaction(async (tx) => {
        const spent = await tx.mailTokens.spend(tokenHash, ['VERIFY_EMAIL', 'CHANGE_EMAIL'], now());
        if (!spent) throw badMailToken();
        if (spent.purpose === 'VERIFY_EMAIL') {
          if (!(await tx.users.markEmailVerified(spent.userId, spent.email))) throw badMailToken();
          // Following the link proves the address is the account's: the account itself did it.
          await tx.audit.record([auditEvent('EMAIL_VERIFIED', spent.userId, spent.userId, client, now())]);
          return undefined;
        }
        const before = await tx.users.findById(spent.userId);
        const result = await tx.users.changeEmail(spent.userId, spent.email);
        // Thrown, so that the transaction rolls back and the token is kept.
        if (!result.ok) throw new ConflictError('email');
        if (!before || !result.user) throw badMailToken();
        // Links sent to the old address no longer speak for the account.
        await tx.mailTokens.voidAll(spent.userId, ['RESET_PASSWORD', 'VERIFY_EMAIL', 'CHANGE_EMAIL']);
        await tx.audit.record([auditEvent('EMAIL_CHANGED', spent.userId, spent.userId, client, now())]);
        return { user: result.user, oldEmail: before.email };
      });
      if (changed) mailer.send(templates.emailChanged(changed.user, changed.oldEmail, changed.user.email));
      return true;
    },

    /** A new link to the caller's address; nothing to send when it is verified already. */
    async requestEmailVerification(caller: Principal): Promise<true> {
      mailer.assertOn();
      await limits.countVerificationRequest(caller.userId);
      const user = await store.users.findById(caller.userId);
      if (user && !user.emailVerified) await sendVerification(user);
      return true;
    },

    /**
     * The current password first (a wrong one counts as a failed login of the account); then a
     * link to the new address, which changes only when it is followed, and a notice to the old.
     */
    async changeEmail(caller: Principal, input: ChangeEmailInput, client: ClientInfo): Promise<true> {
      mailer.assertOn();
      const newEmail = validate(emailSchema, input.newEmail, 'newEmail');
      const user = await checkCurrentPassword(caller, input.currentPassword, client);
      if (await store.users.findByLogin(newEmail)) throw new ConflictError('email');
      await limits.countEmailChange(user.id);
      tokenSweeper.tidy();
      const pending = newMailToken(clock, VERIFICATION_TOKEN_TTL_MS);
      await store.transaction(async (tx) => {
        await tx.mailTokens.issue(user.id, 'CHANGE_EMAIL', newEmail, pending.record, true);
        await tx.audit.record([auditEvent('EMAIL_CHANGE_REQUESTED', user.id, caller.userId, client, now())]);
      });
      mailer.send(templates.emailChangeConfirmation(user, newEmail, mailer.link('verify-email', pending.token)));
      mailer.send(templates.emailChangeRequested(user, newEmail));
      return true;
    },
  };
}
