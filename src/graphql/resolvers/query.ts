import type { Services } from '../../auth/services';
import { principalOf } from '../context';
import type { QueryResolvers } from '../generated/resolvers-types';
import { connection } from './audit-connection';

export function queryResolvers({ users, signingKeys, audit }: Services): QueryResolvers {
  return {
    me: (_, __, context, info) => users.findById(principalOf(context, info).userId),

    user: (_, { id }) => users.findById(id),

    signingKeys: () => signingKeys.list(),

    async auditEvents(_, { userId, first, after }) {
      return connection(await audit.page(userId ?? undefined, first, after));
    },

    async users(_, { first, after }) {
      const page = await users.page(first, after);
      return {
        edges: page.edges,
        totalCount: page.totalCount,
        pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.edges.at(-1)?.cursor ?? null },
      };
    },
  };
}
