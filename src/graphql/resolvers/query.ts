import type { Services } from '../../auth/services';
import { principalOf } from '../context';
import type { QueryResolvers } from '../generated/resolvers-types';

export function queryResolvers({ users, signingKeys }: Services): QueryResolvers {
  return {
    me: (_, __, context, info) => users.findById(principalOf(context, info).userId),

    user: (_, { id }) => users.findById(id),

    signingKeys: () => signingKeys.list(),

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
