import type { AuthService } from './auth-service';
import type { SigningKeyService } from './keys/signing-key-service';
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
  readonly mfa: MfaService;
  readonly secondFactor: SecondFactorService;
}
