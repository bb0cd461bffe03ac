/**
 * An error as it may be logged. drizzle puts a failed query's parameters (hashes, tokens) into
 * its message and stack, so for a wrapped database error only the SQL text and the driver's own
 * error are kept, never the parameters.
 */
export function safeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const query = (error as { query?: unknown }).query;
  // drizzle sets `params` even when the driver threw something other than an Error.
  if (typeof query === 'string' && (error.cause instanceof Error || 'params' in error)) {
    const cause = error.cause instanceof Error ? (error.cause as Error & { code?: unknown }) : undefined;
    return { type: error.name, query, message: cause?.message, code: cause?.code, stack: cause?.stack };
  }
  return { type: error.name, message: error.message, stack: error.stack };
}
