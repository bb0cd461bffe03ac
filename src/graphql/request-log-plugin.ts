import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';
import { safeError } from '../observability/safe-error';
import type { GraphQLContext } from './context';
import { codeOf, isUnexpected } from './format-error';

/**
 * One JSON line per GraphQL request: operation, duration, outcome (the error codes), the request
 * id, and the user id when the Bearer token was valid. Never variables, headers or results: those hold
 * passwords and tokens. Unexpected errors get a line of their own, without query parameters.
 */
export function requestLogPlugin(logger: Logger): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            if (isUnexpected(error)) logger.error({ err: safeError(error.originalError ?? error), path: error.path }, 'unexpected error');
          }
        },
        async willSendResponse({ operationName, errors, contextValue, response }) {
          const codes = [...new Set((errors ?? []).map(codeOf))];
          logger.info({
            operation: operationName ?? null,
            durationMs: Math.round((performance.now() - started) * 100) / 100,
            outcome: codes.length === 0 ? 'ok' : codes.join(','),
            status: response.http.status ?? 200,
            userId: userIdOf(contextValue),
            requestId: contextValue?.requestId,
          }, 'graphql request');
        },
      };
    },
  };
}

/** The Bearer's user, else the user a register/login/refresh of this request established. */
function userIdOf(context: GraphQLContext | undefined): string | undefined {
  if (!context) return undefined;
  const bearer = context.auth.pending ?? context.auth;
  if (bearer.ok) return bearer.principal.userId;
  for (const caller of context.payloadCallers.values()) if (caller.ok) return caller.principal.userId;
  return undefined;
}
