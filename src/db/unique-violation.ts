/**
 * The name of the unique constraint a failed statement broke, or undefined for any other error.
 * postgres.js and PGlite report it under different keys, and drizzle wraps both in a `cause`.
 */
export function uniqueViolation(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const fields = e as Error & { code?: unknown; constraint_name?: unknown; constraint?: unknown };
    if (fields.code === '23505') {
      const name = fields.constraint_name ?? fields.constraint;
      return typeof name === 'string' ? name : '';
    }
  }
  return undefined;
}
