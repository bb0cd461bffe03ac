import { CombinedGraphQLErrors } from '@apollo/client/errors';

/** The first GraphQL error's code and reason (Gatehouse's `extensions`), when there is one. */
export function reasonOf(error: unknown): { code?: string; reason?: string; message: string } {
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    return { code: first?.extensions?.['code'] as string | undefined, reason: first?.extensions?.['reason'] as string | undefined, message: first?.message ?? error.message };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {reasonOf(error).message}
    </p>
  );
}
