import DataLoader from 'dataloader';
import type { Services } from '../../auth/services';
import type { SessionRow, UserRow } from '../../db/schema';
import { callerOf, type GraphQLContext } from '../context';
import type { Resolvers } from '../generated/resolvers-types';

export function userResolvers({ sessions }: Services): Pick<Resolvers, 'User' | 'Session'> {
  // One loader per request: the sessions of every user in a `users` page come in one query, and
  // nothing is cached beyond the request.
  const loaders = new WeakMap<GraphQLContext, DataLoader<string, SessionRow[]>>();
  const sessionsOf = (context: GraphQLContext) => {
    let loader = loaders.get(context);
    if (!loader) loaders.set(context, (loader = new DataLoader((userIds: readonly string[]) => sessions.listLive(userIds))));
    return loader;
  };
  return {
    User: {
      sessions: (user, _, context) => sessionsOf(context).load(user.id),
      mfaEnabled: (user) => user.totpSecret !== null,
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
