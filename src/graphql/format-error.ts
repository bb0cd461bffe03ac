import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { GatehouseError } from '../errors';
import { safeError } from '../observability/safe-error';

/** The `extensions.code` a client will see for `error`, before formatting. */
export function codeOf(error: unknown): string {
  const original = unwrapResolverError(error);
  if (original instanceof GatehouseError) return original.code;
  const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
  if (typeof code === 'string') return code;
  return isCodelessRefusal(error) ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR';
}

/**
 * Apollo refuses some requests with an HTTP 4xx but no code (an automatic persisted query whose
 * hash does not match its query, or of a version it does not know), which it would report as
 * INTERNAL_SERVER_ERROR: they are the client's mistake. Apollo throws them itself: they wrap nothing.
 */
function isCodelessRefusal(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.originalError) return false;
  const status = (error.extensions['http'] as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** True for what no client should have caused: worth a log line at error level. */
export function isUnexpected(error: unknown): boolean {
  return codeOf(error) === 'INTERNAL_SERVER_ERROR';
}

/**
 * graphql-js appends suggestions to its messages (' Did you mean "email"?', ' Did you mean the
 * enum value "ADMIN"?'): a map of the schema for whoever probes it with typos, introspection off
 * or not. graphql-armor's mask only knows the first form, so production removes them all here.
 */
function withoutSuggestions(message: string): string {
  return message.replace(/ Did you mean [^?]*\?/g, '');
}

/**
 * The one place where errors become what clients see. Domain errors get their code; errors
 * Apollo or graphql-js already coded (validation, bad variables) pass, without suggestions in
 * production; anything else is INTERNAL_SERVER_ERROR, and in production carries nothing beyond that.
 */
export function createFormatError(options: { production: boolean }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof GatehouseError) {
      return { message: original.message, locations: formatted.locations, path: formatted.path, extensions: original.extensions() };
    }
    if (!isUnexpected(error)) {
      // Apollo has already written INTERNAL_SERVER_ERROR into a codeless refusal: the code is codeOf's to say.
      const coded = { ...formatted, extensions: { ...formatted.extensions, code: codeOf(error) } };
      return options.production ? { ...coded, message: withoutSuggestions(coded.message) } : coded;
    }
    if (!options.production) {
      // Development shows what went wrong, but as the logs do: a query's text, never its
      // parameters (drizzle's message and stack carry them: hashes, tokens).
      const safe = safeError(original);
      return {
        message: `Internal server error: ${String(safe['message'] ?? '')}`,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: 'INTERNAL_SERVER_ERROR', ...(safe['query'] ? { query: safe['query'] } : { stacktrace: String(safe['stack'] ?? '').split('\n') }) },
      };
    }
    return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
