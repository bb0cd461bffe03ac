import type { Database } from './client';
import { createMailTokenRepository, type MailTokenRepository } from './mail-tokens';
import { createSessionRepository, type SessionRepository } from './sessions';
import { createUserRepository, type UserRepository } from './users';

export interface Repositories {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly mailTokens: MailTokenRepository;
}

/** The repositories, and the same repositories bound to one transaction when several writes must land together. */
export interface Store extends Repositories {
  transaction<T>(work: (repositories: Repositories) => Promise<T>): Promise<T>;
}

export function createStore(db: Database): Store {
  const bind = (target: Database): Repositories => ({
    users: createUserRepository(target),
    sessions: createSessionRepository(target),
    mailTokens: createMailTokenRepository(target),
  });
  return {
    ...bind(db),
    transaction: (work) => db.transaction((tx) => work(bind(tx as unknown as Database))),
  };
}
