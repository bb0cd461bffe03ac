import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { ErrorLink } from '@apollo/client/link/error';
import { from, of, switchMap } from 'rxjs';
import { accessToken } from './access-token';
import { GATEHOUSE_URL } from './endpoint';
import { renewAccessToken } from './refresh';

// Access-token failures a refresh can mend; when the session itself is over the refresh is
// refused, and every tab shows the login page.
const RENEWABLE = new Set(['TOKEN_EXPIRED', 'TOKEN_REVOKED', 'TOKEN_INVALID']);

const bearer = new ApolloLink((operation, forward) => {
  const token = accessToken.get()?.accessToken;
  if (token) operation.setContext(({ headers }: { headers?: Record<string, string> }) => ({ headers: { ...headers, authorization: `Bearer ${token}` }, accessToken: token }));
  return forward(operation);
});

// Retried once at most: the retry's own result goes straight back to the caller.
const renewAndRetry = new ErrorLink(({ error, result, operation, forward }) => {
  const reasons = CombinedGraphQLErrors.is(error) ? error.errors.map((e) => String(e.extensions?.['reason'])) : [];
  if (!result || !reasons.some((reason) => RENEWABLE.has(reason))) return;
  const refused = operation.getContext()['accessToken'] as string | undefined;
  return from(renewAccessToken(refused)).pipe(switchMap((renewed) => (renewed ? forward(operation) : of(result))));
});

/**
 * Apollo Client for Gatehouse from the browser: `credentials: 'include'` so that the browser
 * sends and keeps the refresh cookie; the access token from memory as a Bearer token.
 */
export function createClient(): ApolloClient {
  return new ApolloClient({
    link: ApolloLink.from([renewAndRetry, bearer, new HttpLink({ uri: GATEHOUSE_URL, credentials: 'include' })]),
    cache: new InMemoryCache(),
  });
}
