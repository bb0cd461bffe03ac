import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import type { Services } from '../auth/services';
import { assertRootFieldsMarked } from './assert-root-fields-marked';
import { applyAuthDirective } from './auth-directive';
import { DateTime } from './date-time';
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
export function buildUnguardedSchema(typeDefs: readonly string[], services: Services): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: [...typeDefs],
    resolvers: {
      DateTime,
      Query: queryResolvers(services),
      Mutation: mutationResolvers(services),
      ...userResolvers(services),
    },
  });
}

/**
 * The served schema: checked (every root field marked) before the directive is applied, so a
 * schema that leaves a field unmarked never serves.
 */
export function buildSchema(typeDefs: readonly string[], services: Services): GraphQLSchema {
  const schema = buildUnguardedSchema(typeDefs, services);
  assertRootFieldsMarked(schema);
  return applyAuthDirective(schema, ownerOf);
}
