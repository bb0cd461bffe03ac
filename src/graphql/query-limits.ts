import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ParseOptions, ValidationRule } from 'graphql';
import type { GraphQLLimits } from '../config/config';
import { costLimitPlugin } from './cost-limit-plugin';
import { oneLoginPerOperation } from './one-login-per-operation';

export interface QueryLimits<TContext extends BaseContext> {
  readonly validationRules: ValidationRule[];
  readonly parseOptions: ParseOptions;
  readonly plugins: ApolloServerPlugin<TContext>[];
}

/**
 * Bounds on what one request may ask, all checked before any resolver runs: a request over one
 * fails whole with HTTP 400. Depth, aliases and directives are graphql-armor validation rules
 * (GRAPHQL_VALIDATION_FAILED); cost is armor's formula in a plugin of ours that also counts the
 * request's variables and the `sessions` cap (cost-limit-plugin.ts), with the same error; tokens
 * are counted by graphql-js's parser itself (GRAPHQL_PARSE_FAILED), since armor's token plugin
 * throws from a hook that Apollo Server treats as a crash of the request (HTTP 500).
 */
export function queryLimits<TContext extends BaseContext>(limits: GraphQLLimits): QueryLimits<TContext> {
  const armor = new ApolloArmor({
    // Fragments are how clients share selections, not extra levels of work.
    maxDepth: { n: limits.maxDepth, flattenFragments: true },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
    // Its two plugins are off: tokens are graphql-js's (above), and suggestions are removed in
    // format-error.ts, which also catches the enum-value ones armor's mask misses.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    validationRules: [...armor.validationRules, oneLoginPerOperation],
    parseOptions: { maxTokens: limits.maxTokens },
    // A session list holds at most MAX_SESSIONS: counted as that many.
    plugins: [costLimitPlugin({ maxCost: limits.maxCost, listSizes: { 'User.sessions': limits.maxSessions } })],
  };
}
