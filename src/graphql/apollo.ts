import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { GraphQLLimits } from '../config/config';
import type { GraphQLContext } from './context';
import { createFormatError } from './format-error';
import { queryLimits } from './query-limits';
import { requestLogPlugin } from './request-log-plugin';
import { sandboxLandingPage } from './sandbox';

/** Apollo Server as the service runs it; tests drive the same one with executeOperation. */
export function createApollo(options: {
  schema: GraphQLSchema;
  production: boolean;
  logger: Logger;
  limits: GraphQLLimits;
  httpServer?: Server;
}): ApolloServer<GraphQLContext> {
  const { schema, production, logger, httpServer } = options;
  const bounds = queryLimits<GraphQLContext>(options.limits);
  return new ApolloServer<GraphQLContext>({
    schema,
    nodeEnv: production ? 'production' : 'development',
    includeStacktraceInErrorResponses: !production,
    introspection: options.limits.introspection,
    // An array of operations in one HTTP request is refused (400): each request is one operation,
    // so per-request bounds and the one-login rule cannot be multiplied by batching.
    allowBatchedHttpRequests: false,
    parseOptions: bounds.parseOptions,
    validationRules: bounds.validationRules,
    // main.ts owns the process's signals: it drains HTTP, then closes the database, then exits.
    stopOnTerminationSignals: false,
    formatError: createFormatError({ production }),
    plugins: [
      // The cache-control plugin hooks every field, which makes Apollo wrap every resolver in the
      // schema: a cost on each field for a feature an auth API has no use for. Responses carry
      // `Cache-Control: no-store` from the HTTP layer instead.
      ApolloServerPluginCacheControlDisabled(),
      ...(httpServer ? [ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: 10_000 })] : []),
      production ? ApolloServerPluginLandingPageDisabled() : sandboxLandingPage(),
      requestLogPlugin(logger),
      ...bounds.plugins,
    ],
  });
}
