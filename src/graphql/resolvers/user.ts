import type { Services } from '../../auth/services';
import type { SessionRow, UserRow } from '../../db/schema';
import { callerOf } from '../context';
import type { Resolvers } from '../generated/resolvers-types';

export function userResolvers({ sessions }: Services): Pick<Resolvers, 'User' | 'Session'> {
  return {
    User: {
      sessions: (user) => sessions.listLive(user.id),
    },
    Session: {
      current(session, _, context, info) {
        const caller = callerOf(context, info);
        return caller.ok && caller.principal.sessionId === session.id;
      },
    },
  };
}

/** Owners for `allowSelf`: a User owns itself, a Session belongs to its user. */
export const ownerOf = {
  User: (user: UserRow) => user.id,
  Session: (session: SessionRow) => session.userId,
};
