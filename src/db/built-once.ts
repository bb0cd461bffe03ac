/**
 * A prepared query, built on first use and reused after: on the login path drizzle's query
 * building cost more than PostgreSQL's answer (docs/performance.md). Lazy, so that repositories
 * bound to a transaction build only what that transaction uses.
 */
export function builtOnce<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}
