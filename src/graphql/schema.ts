import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import type { Services } from '../auth/services';
import { type Clock, systemClock } from '../clock';
import { assertRootFieldsMarked } from './assert-root-fields-marked';
import { applyAuthDirective } from './auth-directive';
import { type AuthEvents, NO_AUTH_EVENTS } from './auth-events';
import { DateTime } from './date-time';
import type { Resolvers } from './generated/resolvers-types';
import { emailMutationResolvers } from './resolvers/email-mutations';
import { mutationResolvers } from './resolvers/mutation';
import { queryResolvers } from './resolvers/query';
import { ownerOf, userResolvers } from './resolvers/user';

/** The SDL files of `dir`, in name order. */
export function readTypeDefs(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => readFileSync(join(dir, name), 'utf8'));
}

/** SDL + resolvers, before any access rule is applied: what the benchmark compares against. */
export function buildUnguardedSchema(typeDefs: readonly string[], services: Services, events: AuthEvents = NO_AUTH_EVENTS): GraphQLSchema {
  const resolvers: Resolvers = {
    DateTime,
    Query: queryResolvers(services),
    Mutation: { ...mutationResolvers(services, events), ...emailMutationResolvers(services) },
    ...userResolvers(services),
  };
  return makeExecutableSchema({ typeDefs: [...typeDefs], resolvers });
}

/**
 * The served schema: checked (every root field marked) before the directive is applied, so a
 * schema that leaves a field unmarked never serves.
 */
export function buildSchema(typeDefs: readonly string[], services: Services, events: AuthEvents = NO_AUTH_EVENTS, clock: Clock = systemClock): GraphQLSchema {
  const schema = buildUnguardedSchema(typeDefs, services, events);
  assertRootFieldsMarked(schema);
  return applyAuthDirective(schema, ownerOf, events, clock);
}
