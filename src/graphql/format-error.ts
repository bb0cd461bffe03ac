import { unwrapResolverError } from '@apollo/server/errors';
import { type GraphQLFormattedError } from 'graphql';
import { type DomainError, isDomainError } from '../errors';
import { safeError } from '../observability/safe-error';

/** The `extensions` a client sees for an expected failure: the code and what it needs to act. */
function extensionsOf(error: DomainError): Record<string, unknown> {
  switch (error.code) {
    case 'UNAUTHENTICATED':
      return { code: error.code, reason: error.reason };
    case 'FORBIDDEN':
      return { code: error.code };
    case 'BAD_USER_INPUT':
      return { code: error.code, field: error.field };
    case 'CONFLICT':
      return { code: error.code, field: error.field };
    case 'RATE_LIMITED':
      return { code: error.code, retryAfter: error.retryAfterSeconds };
    case 'SERVICE_UNAVAILABLE':
      return { code: error.code };
  }
}

/** The `extensions.code` a client will see for `error`, before formatting. */
export function codeOf(error: unknown): string {
  const original = unwrapResolverError(error);
  if (isDomainError(original)) return original.code;
  const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
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
    if (isDomainError(original)) {
      return { message: original.message, locations: formatted.locations, path: formatted.path, extensions: extensionsOf(original) };
    }
    if (!isUnexpected(error)) return options.production ? { ...formatted, message: withoutSuggestions(formatted.message) } : formatted;
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
