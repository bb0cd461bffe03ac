import type { AccountDeletion } from './account-deletion';
import type { AuditService } from './audit/audit-service';
import type { AuthService } from './auth-service';
import type { SigningKeyService } from './keys/signing-key-service';
import type { EmailService } from './mail/email-service';
import type { PasswordResetService } from './mail/password-reset-service';
import type { MfaService } from './mfa/mfa-service';
import type { SecondFactorService } from './mfa/second-factor-service';
import type { SessionService } from './sessions/session-service';
import type { UserService } from './user-service';

/** The use cases the GraphQL layer (and the command line) call. */
export interface Services {
  readonly auth: AuthService;
  readonly sessions: SessionService;
  readonly users: UserService;
  readonly signingKeys: SigningKeyService;
  /** Verifying an address, changing it. */
  readonly emails: EmailService;
  readonly passwordResets: PasswordResetService;
  readonly mfa: MfaService;
  readonly secondFactor: SecondFactorService;
  readonly audit: AuditService;
  /** Deleting accounts: one's own, or anyone's for an ADMIN. */
  readonly accounts: AccountDeletion;
}
