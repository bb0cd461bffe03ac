import type { Clock } from '../../clock';
import { sessionsEnded } from '../../db/revocation-channel';
import type { Store } from '../../db/store';
import type { Sweeper } from '../../db/sweeper';
import type { ClientInfo } from '../auth-service';
import type { IssuedSession, TokenIssuer } from '../tokens/token-issuer';
import type { RevocationList } from './revocation';

/** Opens a session for a user whose password (or mailed link) has been checked, and signs its pair: pending the second factor when the account has one. */
export type OpenUserSession = (user: IssuedSession['user'], client: ClientInfo) => Promise<IssuedSession>;

export function createOpenUserSession(deps: {
  store: Store;
  tokens: TokenIssuer;
  revocations: RevocationList;
  clock: Clock;
  /** Told of each session opened, so that expired ones get deleted now and then. */
  sessionSweeper: Sweeper;
  /** MAX_SESSIONS: opening one more ends the least recently used. */
  maxSessions: number;
}): OpenUserSession {
  const { store, tokens, revocations, clock, sessionSweeper, maxSessions } = deps;
  return async (user, client) => {
    sessionSweeper.tidy();
    const refresh = tokens.nextRefreshToken();
    // An account with a second factor gets a session pending it, whatever way in proved the password.
    const secondFactor = user.totpSecret === null ? 'NONE' : 'PENDING';
    const opened = await store.sessions.create({ userId: user.id, now: new Date(clock.now()), ...client, maxLive: maxSessions, secondFactor }, refresh.record);
    // The ended ones were announced to every other instance; this one knows now.
    revocations.applyAll(sessionsEnded(opened.ended));
    return tokens.issue(user, opened.session, refresh);
  };
}
