import DataLoader from 'dataloader';
import type { Services } from '../../auth/services';
import type { AuditPage } from '../../auth/audit/audit-service';
import type { AuditEventRow, SessionRow, UserRow } from '../../db/schema';
import { callerOf, type GraphQLContext } from '../context';
import type { Resolvers } from '../generated/resolvers-types';
import { connection } from './audit-connection';

export function userResolvers({ sessions, audit }: Services): Pick<Resolvers, 'User' | 'Session'> {
  // One loader per request: the sessions of every user in a `users` page come in one query, and
  // nothing is cached beyond the request.
  const loaders = new WeakMap<GraphQLContext, DataLoader<string, SessionRow[]>>();
  const sessionsOf = (context: GraphQLContext) => {
    let loader = loaders.get(context);
    if (!loader) loaders.set(context, (loader = new DataLoader((userIds: readonly string[]) => sessions.listLive(userIds))));
    return loader;
  };
  // The same for events: one loader per request and page shape (first, after), so a page of users costs one query.
  const auditLoaders = new WeakMap<GraphQLContext, Map<string, DataLoader<string, AuditPage>>>();
  const eventsOf = (context: GraphQLContext, first: number, after: string | null | undefined) => {
    let byShape = auditLoaders.get(context);
    if (!byShape) auditLoaders.set(context, (byShape = new Map()));
    const shape = `${first}|${after ?? ''}`;
    let loader = byShape.get(shape);
    if (!loader) byShape.set(shape, (loader = new DataLoader((userIds: readonly string[]) => audit.pagesOf(userIds, first, after))));
    return loader;
  };
  return {
    User: {
      sessions: (user, _, context) => sessionsOf(context).load(user.id),
      mfaEnabled: (user) => user.totpSecret !== null,
      auditEvents: async (user, { first, after }, context) => connection(await eventsOf(context, first, after).load(user.id)),
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
  // An event of no account (a failed login of an unknown name, a key event) is nobody's own.
  AuditEvent: (event: AuditEventRow) => event.userId ?? '',
};
