import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ParseOptions, ValidationRule } from 'graphql';
import type { GraphQLLimits } from '../config/config';
import { oneLoginPerOperation } from './one-login-per-operation';

export interface QueryLimits {
  readonly validationRules: ValidationRule[];
  readonly parseOptions: ParseOptions;
}

/**
 * Bounds on what one request may ask, all checked before any resolver runs: a request over one
 * fails whole with HTTP 400. Depth, aliases, directives and cost are graphql-armor validation
 * rules (GRAPHQL_VALIDATION_FAILED); tokens are counted by graphql-js's parser itself
 * (GRAPHQL_PARSE_FAILED), since armor's token plugin throws from a hook that Apollo Server
 * treats as a crash of the request (HTTP 500).
 */
export function queryLimits(limits: GraphQLLimits): QueryLimits {
  const armor = new ApolloArmor({
    // Fragments are how clients share selections, not extra levels of work.
    maxDepth: { n: limits.maxDepth, flattenFragments: true },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    costLimit: { maxCost: limits.maxCost, flattenFragments: true },
    maxTokens: { enabled: false },
    // Its two plugins are off: tokens are graphql-js's (above), and suggestions are removed in
    // format-error.ts, which also catches the enum-value ones armor's mask misses.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    validationRules: [...armor.validationRules, oneLoginPerOperation],
    parseOptions: { maxTokens: limits.maxTokens },
  };
}
