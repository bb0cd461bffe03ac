import type { GraphQLResolveInfo } from 'graphql';
import type { Services } from '../../auth/services';
import type { SessionRow, UserRow } from '../../db/schema';
import { callerOf, type GraphQLContext } from '../context';

export function userResolvers({ sessions }: Services) {
  return {
    User: {
      sessions: (user: UserRow) => sessions.listLive(user.id),
    },
    Session: {
      current(session: SessionRow, _: unknown, context: GraphQLContext, info: GraphQLResolveInfo) {
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
