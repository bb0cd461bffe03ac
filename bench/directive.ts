import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
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
import { DateTime } from '../src/graphql/date-time';
import { ownerOf } from '../src/graphql/resolvers/user';
import { readTypeDefs } from '../src/graphql/schema';
import { collectGarbage, median, opsPerSecond } from './measure';

const run = promisify(execFile);

const ADMIN: Principal = { userId: randomUUID(), role: 'ADMIN', sessionId: randomUUID() };
const FIELDS = 'id username email role disabled createdAt';
const QUERIES = {
  me: parse(`{ me { ${FIELDS} } }`),
  list1000: parse(`{ users(first: 1000) { edges { node { ${FIELDS} } } } }`),
};

function baseSchema(): GraphQLSchema {
  const createdAt = new Date();
  const users = Array.from({ length: 1000 }, (_, i) => ({ id: randomUUID(), username: `user_${i}`, email: `user_${i}@example.com`, role: 'USER', disabled: false, createdAt }));
  const connection = { edges: users.map((node) => ({ cursor: node.id, node })), pageInfo: { hasNextPage: false, endCursor: null }, totalCount: users.length };
  return makeExecutableSchema({
    typeDefs: readTypeDefs(SCHEMA_DIR),
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

const context = (): GraphQLContext => ({ auth: { ok: true, principal: ADMIN }, client: { ip: undefined, userAgent: undefined }, payloadCallers: new Map() });

export type Variant = 'none' | 'auth' | 'async' | 'shield';
export type DirectiveResults = Record<keyof typeof QUERIES, Record<Variant, number>>;

/** Ops per CPU-second of one variant, for both queries; meant to run alone in its process so no other variant's code shares the JIT's call sites. */
export async function measureVariant(variant: Variant, ms: number): Promise<Record<keyof typeof QUERIES, number>> {
  const base = baseSchema();
  const schema = { none: () => base, auth: () => applyAuthDirective(base, ownerOf), async: () => asyncDirective(base), shield: () => shielded(base) }[variant]();
  const out = {} as Record<keyof typeof QUERIES, number>;
  for (const [name, document] of Object.entries(QUERIES) as [keyof typeof QUERIES, (typeof QUERIES)[keyof typeof QUERIES]][]) {
    const result = await execute({ schema, document, contextValue: context() });
    if (result.errors) throw new Error(`${variant} ${name}: ${result.errors[0]?.message}`);
    const run = () => execute({ schema, document, contextValue: context() });
    await opsPerSecond(run, ms);
    collectGarbage();
    out[name] = await opsPerSecond(run, ms);
  }
  return out;
}

/**
 * graphql `execute` on one schema and data, with no auth, our directive, the async pattern and
 * graphql-shield. Each variant runs in a process of its own, as it would in a server (in one
 * process the variants would share, and so slow, each other's call sites); rounds alternate the
 * variants and each figure is the median of its rounds.
 */
export async function benchDirective(options: { ms: number; rounds: number }): Promise<DirectiveResults> {
  const variants: Variant[] = ['none', 'auth', 'async', 'shield'];
  const samples = variants.map(() => ({ me: [] as number[], list1000: [] as number[] }));
  for (let round = 0; round < options.rounds; round += 1) {
    for (const [i, variant] of variants.entries()) {
      const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, 'directive-variant.ts'), variant, String(options.ms)]);
      const result = JSON.parse(stdout) as Record<keyof typeof QUERIES, number>;
      samples[i]!.me.push(result.me);
      samples[i]!.list1000.push(result.list1000);
    }
  }
  const figure = (query: keyof typeof QUERIES) =>
    Object.fromEntries(variants.map((v, i) => [v, Math.round(median(samples[i]![query]))])) as Record<Variant, number>;
  return { me: figure('me'), list1000: figure('list1000') };
}
