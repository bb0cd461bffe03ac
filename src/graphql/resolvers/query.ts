import type { GraphQLResolveInfo } from 'graphql';
import type { Services } from '../../auth/services';
import { type GraphQLContext, principalOf } from '../context';

export function queryResolvers({ users }: Services) {
  return {
    me: (_: unknown, __: unknown, context: GraphQLContext, info: GraphQLResolveInfo) => users.findById(principalOf(context, info).userId),

    user: (_: unknown, { id }: { id: string }) => users.findById(id),

    async users(_: unknown, { first, after }: { first: number; after?: string | null }) {
      const page = await users.page(first, after);
      return {
        edges: page.edges,
        totalCount: page.totalCount,
        pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.edges.at(-1)?.cursor ?? null },
      };
    },
  };
}
