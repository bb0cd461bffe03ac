import type { AuditRepository } from './audit-repository';
import { createAuditRepository } from './audit-events';
import type { Database } from './client';
import type { UserChangeHook } from './revocation-channel';
import { createMailTokenRepository, type MailTokenRepository } from './mail-tokens';
import { createSecondFactorRepository, type SecondFactorRepository } from './second-factors';
import type { SessionRepository } from './session-repository';
import { createSessionRepository } from './sessions';
import { createSigningKeyRepository, type SigningKeyRepository } from './signing-keys';
import type { UserRepository } from './user-repository';
import { createUserRepository } from './users';

export interface Repositories {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly signingKeys: SigningKeyRepository;
  readonly mailTokens: MailTokenRepository;
  readonly secondFactors: SecondFactorRepository;
  readonly audit: AuditRepository;
}

/** The repositories, and the same repositories bound to one transaction when several writes must land together. */
export interface Store extends Repositories {
  transaction<T>(work: (repositories: Repositories) => Promise<T>): Promise<T>;
}

/** `onUserChange` hears, before they commit, of the user rows this instance's writes change. */
export function createStore(db: Database, onUserChange: UserChangeHook = () => {}): Store {
  const bind = (target: Database): Repositories => ({
    users: createUserRepository(target, onUserChange),
    sessions: createSessionRepository(target),
    signingKeys: createSigningKeyRepository(target),
    mailTokens: createMailTokenRepository(target),
    secondFactors: createSecondFactorRepository(target, onUserChange),
    audit: createAuditRepository(target),
  });
  return {
    ...bind(db),
    transaction: (work) => db.transaction((tx) => work(bind(tx as unknown as Database))),
  };
}
