import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { GraphQLContext } from './context';
import { createFormatError } from './format-error';
import { requestLogPlugin } from './request-log-plugin';

/** Apollo Server as the service runs it; tests drive the same one with executeOperation. */
export function createApollo(options: {
  schema: GraphQLSchema;
  production: boolean;
  logger: Logger;
  httpServer?: Server;
}): ApolloServer<GraphQLContext> {
  const { schema, production, logger, httpServer } = options;
  return new ApolloServer<GraphQLContext>({
    schema,
    nodeEnv: production ? 'production' : 'development',
    includeStacktraceInErrorResponses: !production,
    // main.ts owns the process's signals: it drains HTTP, then closes the database, then exits.
    stopOnTerminationSignals: false,
    formatError: createFormatError({ production }),
    plugins: [
      // The cache-control plugin hooks every field, which makes Apollo wrap every resolver in the
      // schema: a cost on each field for a feature an auth API has no use for. Responses carry
      // `Cache-Control: no-store` from the HTTP layer instead.
      ApolloServerPluginCacheControlDisabled(),
      ...(httpServer ? [ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: 10_000 })] : []),
      production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
      requestLogPlugin(logger),
    ],
  });
}
