import { ForbiddenError } from '../../errors';

/** With REQUIRE_EMAIL_VERIFICATION: told only after a correct password (or at register), never a session. */
export function emailNotVerified(): ForbiddenError {
  return new ForbiddenError('Confirm your email address first: open the link in the mail that was sent to it (requestEmailVerification sends a new one).', 'EMAIL_NOT_VERIFIED');
}
