import { getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, type GraphQLFieldConfig, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import { authenticationError } from '../auth/authenticate';
import { type AccessRule, compileRule, isRole } from '../auth/policy';
import { ForbiddenError } from '../errors';
import { type AuthEvents, NO_AUTH_EVENTS } from './auth-events';
import { callerOf, type GraphQLContext } from './context';

/** How to find the owner (a user id) of an object, for `allowSelf`. */
export type OwnerOf = Readonly<Record<string, (source: never) => string>>;

/**
 * Wraps every field that an @auth rule covers (its own, else its type's) in a synchronous check;
 * fields without a rule keep their resolver untouched. A denied field throws, so it resolves to
 * null with one error at its path and the rest of the response stands.
 */
export function applyAuthDirective(schema: GraphQLSchema, ownerOf: OwnerOf, events: Pick<AuthEvents, 'denied'> = NO_AUTH_EVENTS): GraphQLSchema {
  const typeRules = new Map<string, AccessRule | undefined>();
  const typeRule = (typeName: string) => {
    if (!typeRules.has(typeName)) typeRules.set(typeName, readRule(schema, schema.getType(typeName)!));
    return typeRules.get(typeName);
  };

  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, _fieldName, typeName) => {
      const rule = readRule(schema, field) ?? typeRule(typeName);
      return rule ? guard(field, rule, ownerOf[typeName] as ((source: unknown) => string) | undefined, events) : field;
    },
  });
}

function guard(
  field: GraphQLFieldConfig<unknown, GraphQLContext>,
  rule: AccessRule,
  ownerOf: ((source: unknown) => string) | undefined,
  events: Pick<AuthEvents, 'denied'>,
) {
  const resolve = field.resolve ?? defaultFieldResolver;
  const allows = compileRule(rule, ownerOf);
  return {
    ...field,
    resolve: (source: unknown, args: Record<string, unknown>, context: GraphQLContext, info: Parameters<typeof resolve>[3]) => {
      // The Bearer's caller unless a mutation of this request established another (rare).
      const caller = context.payloadCallers.size === 0 ? context.auth : callerOf(context, info);
      if (!caller.ok) {
        events.denied(caller.reason);
        throw authenticationError(caller.reason);
      }
      if (!allows(caller.principal, source)) {
        events.denied('FORBIDDEN');
        throw new ForbiddenError();
      }
      return resolve(source, args, context, info);
    },
  };
}

function readRule(schema: GraphQLSchema, node: GraphQLFieldConfig<unknown, unknown> | GraphQLNamedType): AccessRule | undefined {
  const applied = getDirective(schema, node, 'auth')?.[0];
  if (!applied) return undefined;
  const requires: unknown = applied['requires'];
  if (!isRole(requires)) throw new Error(`@auth(requires: ${String(requires)}) is not a role`);
  return Object.freeze({ requires, allowSelf: applied['allowSelf'] === true });
}
