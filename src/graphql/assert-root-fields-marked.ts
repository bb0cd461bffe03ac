import { getDirective } from '@graphql-tools/utils';
import type { GraphQLObjectType, GraphQLSchema } from 'graphql';

export class SchemaRuleError extends Error {
  override name = 'SchemaRuleError';
}

/**
 * Deny by default, checked before serving: every Query and Mutation field must say whether it
 * is guarded (@auth) or open (@public), exactly once. Throws naming every field that does not.
 */
export function assertRootFieldsMarked(schema: GraphQLSchema): void {
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
  const problems: string[] = [];
  for (const root of roots.filter((t): t is GraphQLObjectType => t != null)) {
    for (const field of Object.values(root.getFields())) {
      const marks = ['auth', 'public'].filter((name) => getDirective(schema, field, name) !== undefined);
      if (marks.length !== 1) {
        problems.push(`${root.name}.${field.name} carries ${marks.length === 0 ? 'neither @auth nor @public' : 'both @auth and @public'}`);
      }
    }
  }
  if (problems.length > 0) {
    throw new SchemaRuleError(`every Query and Mutation field must carry exactly one of @auth or @public:\n  ${problems.join('\n  ')}`);
  }
}
