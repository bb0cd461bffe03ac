import { getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import type { GraphQLFieldConfig, GraphQLNamedType, GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import type { Authentication } from '../auth/authenticate';
import type { Principal } from '../auth/principal';
import { ANY_CALLER, type AccessRule, compileRule, isFresh, isRole } from '../auth/policy';
import { type Clock, systemClock } from '../clock';
import { AuthError, ForbiddenError, tokenError } from '../errors';
import { type AuthEvents, NO_AUTH_EVENTS } from './auth-events';
import { callerOf, type GraphQLContext } from './context';

/** How to find the owner (a user id) of an object, for `allowSelf`. */
export type OwnerOf = Readonly<Record<string, (source: never) => string>>;

/**
 * Wraps every field that an @auth rule covers (its own, else its type's) in a synchronous check;
 * fields without a rule keep their resolver untouched. A denied field throws, so it resolves to
 * null with one error at its path and the rest of the response stands.
 */
export function applyAuthDirective(
  schema: GraphQLSchema,
  ownerOf: OwnerOf,
  events: Pick<AuthEvents, 'denied'> = NO_AUTH_EVENTS,
  clock: Clock = systemClock,
): GraphQLSchema {
  const typeRules = new Map<string, AccessRule | undefined>();
  const typeRule = (typeName: string) => {
    if (!typeRules.has(typeName)) typeRules.set(typeName, readRule(schema, schema.getType(typeName)!));
    return typeRules.get(typeName);
  };

  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const rule = readRule(schema, field) ?? typeRule(typeName);
      if (!rule) return field;
      return guard(field, fieldName, rule, ownerOf[typeName] as ((source: unknown) => string) | undefined, events, clock);
    },
  });
}

function guard(
  field: GraphQLFieldConfig<unknown, GraphQLContext>,
  fieldName: string,
  rule: AccessRule,
  ownerOf: ((source: unknown) => string) | undefined,
  events: Pick<AuthEvents, 'denied'>,
  clock: Clock,
) {
  const allows = compileRule(rule, ownerOf);
  // Step-up, for a field that a stolen token must not reach: checked after the role (FORBIDDEN
  // wins), in the same wrapper, so a rule without `fresh` pays one comparison with undefined.
  const { fresh } = rule;
  const stale = fresh === undefined ? undefined : (principal: Principal) => !isFresh(principal, fresh, clock.now());
  const refuseStale = (): never => {
    events.denied('REAUTHENTICATION_REQUIRED');
    throw new AuthError('REAUTHENTICATION_REQUIRED');
  };
  const anyCaller = allows === ANY_CALLER;
  // The Bearer's caller unless a mutation of this request established another (rare). callerOf
  // starts with the same test; repeating it here keeps the common case inline, which matters on
  // a large list, as does keeping one wrapper per field shape (docs/performance.md). A session
  // pending its second factor is no caller (MFA_REQUIRED) unless the rule admits it: chosen here,
  // once, so a rule that refuses it costs nothing more per field.
  const callerFor =
    rule.mfa !== false
      ? (context: GraphQLContext, info: GraphQLResolveInfo) => (context.payloadCallers.size === 0 ? context.auth : callerOf(context, info))
      : (context: GraphQLContext, info: GraphQLResolveInfo): Authentication => {
          const caller = context.payloadCallers.size === 0 ? context.auth : callerOf(context, info);
          return caller.pending ?? caller;
        };
  const refuse = (caller: Authentication): never => {
    const reason = caller.ok ? 'FORBIDDEN' : caller.reason;
    events.denied(reason);
    throw caller.ok ? new ForbiddenError() : tokenError(caller.reason);
  };
  const own = field.resolve;
  if (own) {
    return {
      ...field,
      resolve: (source: unknown, args: Record<string, unknown>, context: GraphQLContext, info: GraphQLResolveInfo) => {
        const caller = callerFor(context, info);
        if (!caller.ok || (!anyCaller && !allows(caller.principal, source))) refuse(caller);
        if (stale !== undefined && caller.ok && stale(caller.principal)) refuseStale();
        return own(source, args, context, info);
      },
    };
  }
  // No resolver of its own: the property is read here, as graphql's default resolver would, so
  // that a guarded field costs one call, as an unguarded one does (the hottest path of a list).
  return {
    ...field,
    resolve: (source: unknown, args: Record<string, unknown>, context: GraphQLContext, info: GraphQLResolveInfo) => {
      const caller = callerFor(context, info);
      if (!caller.ok || (!anyCaller && !allows(caller.principal, source))) refuse(caller);
      if (stale !== undefined && caller.ok && stale(caller.principal)) refuseStale();
      if (typeof source !== 'object' || source === null) return undefined;
      const value: unknown = (source as Record<string, unknown>)[fieldName];
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).call(source, args, context, info) : value;
    },
  };
}

function readRule(schema: GraphQLSchema, node: GraphQLFieldConfig<unknown, unknown> | GraphQLNamedType): AccessRule | undefined {
  const applied = getDirective(schema, node, 'auth')?.[0];
  if (!applied) return undefined;
  const requires: unknown = applied['requires'];
  if (!isRole(requires)) throw new Error(`@auth(requires: ${String(requires)}) is not a role`);
  const fresh: unknown = applied['fresh'];
  if (fresh !== undefined && (typeof fresh !== 'number' || fresh < 0)) throw new Error(`@auth(fresh: ${String(fresh)}) is not a number of seconds`);
  // Absent from a schema whose directive has no `mfa` argument: refusing a pending session is the safe side.
  const mfa = applied['mfa'] !== false;
  return Object.freeze({ requires, allowSelf: applied['allowSelf'] === true, mfa, ...(fresh === undefined ? {} : { fresh }) });
}
