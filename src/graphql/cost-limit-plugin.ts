import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';
import { createQueryCost, type ListSizes } from './query-cost';

/**
 * Refuses a request whose cost (query-cost.ts) is over `maxCost`, whole and before any resolver
 * runs, as graphql-armor's rule did: HTTP 400, GRAPHQL_VALIDATION_FAILED, armor's message. A plugin,
 * not a validation rule, because validation sees only the document: a size given through a
 * variable (`users(first: $n)`) passed it uncounted. didResolveOperation is the first hook with
 * both the operation and the request's variables, and execution starts only after it.
 */
export function costLimitPlugin<TContext extends BaseContext>(options: { maxCost: number; listSizes: ListSizes }): ApolloServerPlugin<TContext> {
  const costOf = createQueryCost(options.listSizes);
  const listener: GraphQLRequestListener<TContext> = {
    async didResolveOperation({ schema, document, operation, request }) {
      // No such operation: execution refuses the request without running anything.
      if (!operation) return;
      const cost = costOf(schema, document, operation, request.variables ?? {});
      if (cost <= options.maxCost) return;
      throw new GraphQLError(`Syntax Error: Query Cost limit of ${options.maxCost} exceeded, found ${cost}.`, {
        extensions: { code: ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED, http: { status: 400 } },
      });
    },
  };
  return { requestDidStart: async () => listener };
}
