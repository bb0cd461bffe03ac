/**
 * The schemas the directive benchmark compares: the same SDL and data with no auth, with our
 * @auth, with the async pattern of Apollo's docs, with graphql-shield, and with our @auth where
 * every rule also asks for a recent sign-in (`fresh`). bench/directive-child.ts
 * loads this module once per variant, each time with a fresh copy of graphql and everything else,
 * so that no variant's code shares the JIT's call sites with another's.
 */
import { randomUUID } from 'node:crypto';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { MapperKind, getDirective, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, execute, parse, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { allow, or, rule, shield } from 'graphql-shield';
import { SCHEMA_DIR } from '../src/app';
import { can, type AccessRule } from '../src/auth/policy';
import type { Principal } from '../src/auth/principal';
import { applyAuthDirective } from '../src/graphql/auth-directive';
import type { GraphQLContext } from '../src/graphql/context';
import { BODY_TRANSPORT } from '../src/graphql/refresh-token-transport';
import { DateTime } from '../src/graphql/date-time';
import { ownerOf } from '../src/graphql/resolvers/user';
import { readTypeDefs } from '../src/graphql/schema';

// Signed in now: the `fresh` variant's step-up check passes, as it does for a caller who just reauthenticated.
const ADMIN: Principal = { userId: randomUUID(), role: 'ADMIN', sessionId: randomUUID(), authTime: Math.floor(Date.now() / 1000) };
const FIELDS = 'id username email role disabled createdAt';
const QUERIES = {
  me: parse(`{ me { ${FIELDS} } }`),
  list1000: parse(`{ users(first: 1000) { edges { node { ${FIELDS} } } } }`),
};

/** Every @auth of the SDL given `fresh: 3600` (the directive's definition and rules that have one aside): each guarded field also checks auth_time. */
const everyRuleFresh = (sdl: string) => sdl.replace(/(?<!directive )@auth\((?![^)]*fresh)/g, '@auth(fresh: 3600, ').replace(/(?<!directive )@auth(?=\s)/g, '@auth(fresh: 3600)');

function baseSchema(rewrite: (sdl: string) => string = (sdl) => sdl): GraphQLSchema {
  const createdAt = new Date();
  const users = Array.from({ length: 1000 }, (_, i) => ({ id: randomUUID(), username: `user_${i}`, email: `user_${i}@example.com`, role: 'USER', disabled: false, createdAt }));
  const connection = { edges: users.map((node) => ({ cursor: node.id, node })), pageInfo: { hasNextPage: false, endCursor: null }, totalCount: users.length };
  return makeExecutableSchema({
    typeDefs: readTypeDefs(SCHEMA_DIR).map(rewrite),
    resolvers: { DateTime, Query: { me: () => ({ ...users[0], id: ADMIN.userId }), users: () => connection } },
  });
}

/** The pattern of Apollo's directive docs: every guarded field's resolver wrapped in an async function. */
function asyncDirective(schema: GraphQLSchema): GraphQLSchema {
  const ruleOf = (node: Parameters<typeof getDirective>[1]): AccessRule | undefined => {
    const applied = getDirective(schema, node, 'auth')?.[0];
    return applied ? { requires: applied['requires'], allowSelf: applied['allowSelf'] === true } : undefined;
  };
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, _name, typeName) => {
      const accessRule = ruleOf(field) ?? ruleOf(schema.getType(typeName)!);
      if (!accessRule) return field;
      const resolve = field.resolve ?? defaultFieldResolver;
      const owner = ownerOf[typeName as keyof typeof ownerOf] as ((s: unknown) => string) | undefined;
      return {
        ...field,
        resolve: async (source, args, context: GraphQLContext, info) => {
          if (!context.auth.ok) throw new Error('unauthenticated');
          if (!can(context.auth.principal, accessRule, owner?.(source))) throw new Error('forbidden');
          return resolve(source, args, context, info);
        },
      };
    },
  });
}

function shielded(schema: GraphQLSchema): GraphQLSchema {
  const isUser = rule({ cache: 'contextual' })((_p, _a, ctx: GraphQLContext) => ctx.auth.ok);
  const isAdmin = rule({ cache: 'contextual' })((_p, _a, ctx: GraphQLContext) => ctx.auth.ok && ctx.auth.principal.role === 'ADMIN');
  const isSelf = rule({ cache: 'strict' })((parent: { id: string }, _a, ctx: GraphQLContext) => ctx.auth.ok && parent.id === ctx.auth.principal.userId);
  const permissions = shield(
    {
      Query: { me: isUser, user: isUser, users: isAdmin },
      User: { '*': isUser, email: or(isAdmin, isSelf), disabled: isAdmin, sessions: or(isAdmin, isSelf) },
    },
    { allowExternalErrors: true, fallbackRule: allow },
  );
  return applyMiddleware(schema, permissions);
}

const context = (): GraphQLContext => ({ auth: { ok: true, principal: ADMIN }, client: { ip: undefined, userAgent: undefined }, payloadCallers: new Map(), refreshTokens: BODY_TRANSPORT });

export const VARIANTS = ['none', 'auth', 'async', 'shield', 'fresh'] as const;
export type Variant = (typeof VARIANTS)[number];
export type Query = keyof typeof QUERIES;
export const QUERY_NAMES = Object.keys(QUERIES) as Query[];

/** Runs each query on the variant's schema; throws if a query answers with an error. */
export async function prepareVariant(variant: Variant): Promise<Record<Query, () => unknown>> {
  const base = baseSchema();
  const schema = {
    none: () => base,
    auth: () => applyAuthDirective(base, ownerOf),
    async: () => asyncDirective(base),
    shield: () => shielded(base),
    fresh: () => applyAuthDirective(baseSchema(everyRuleFresh), ownerOf),
  }[variant]();
  const runners = {} as Record<Query, () => unknown>;
  for (const query of QUERY_NAMES) {
    const result = await execute({ schema, document: QUERIES[query], contextValue: context() });
    if (result.errors) throw new Error(`${variant} ${query}: ${result.errors[0]?.message}`);
    runners[query] = () => execute({ schema, document: QUERIES[query], contextValue: context() });
  }
  return runners;
}

