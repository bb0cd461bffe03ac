import { ApolloLink } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { ErrorLink } from '@apollo/client/link/error';
import { print } from 'graphql';
import { from, of, switchMap } from 'rxjs';
import { RefreshDocument } from './documents';
import type { RefreshMutation } from './gql/graphql';
import type { TokenStore } from './token-store';

export type LogoutReason = 'REFRESH_TOKEN_REUSED' | 'REFRESH_TOKEN_INVALID';

export interface AuthLinkOptions {
  /** The Gatehouse endpoint, e.g. http://localhost:4000/graphql. */
  readonly uri: string;
  readonly tokens: TokenStore;
  /** The session is over (its refresh token was refused): the tokens are already cleared. Show the login page. */
  readonly onLogout: (reason: LogoutReason) => void;
  /**
   * An operation was refused because the sign-in still needs its second factor (MFA_REQUIRED):
   * not an error to show, nor one a refresh mends. Show the code prompt (see submitTotp).
   */
  readonly onMfaRequired?: () => void;
  readonly fetch?: typeof fetch;
}

// Access-token failures a refresh can mend. TOKEN_REVOKED too: after a role change the session
// lives on and the refresh brings the new role; when the session itself was ended, the refresh
// is refused and the user is logged out.
const RENEWABLE = new Set(['TOKEN_EXPIRED', 'TOKEN_REVOKED', 'TOKEN_INVALID']);

/**
 * Sends the access token with every operation. When the server refuses it, refreshes the pair
 * once and retries the operation once. Operations refused together share that one refresh: a
 * second refresh with the same token would be taken for a stolen token, and end the session.
 */
export function createAuthLink(options: AuthLinkOptions): ApolloLink {
  const renew = createRenewal(options);

  const bearer = new ApolloLink((operation, forward) => {
    const accessToken = options.tokens.get()?.accessToken;
    if (accessToken) {
      operation.setContext(({ headers }) => ({ headers: { ...headers, authorization: `Bearer ${accessToken}` }, accessToken }));
    }
    return forward(operation);
  });

  const retry = new ErrorLink(({ error, result, operation, forward }) => {
    const reasons = CombinedGraphQLErrors.is(error) ? error.errors.map((e) => String(e.extensions?.['reason'])) : [];
    if (reasons.includes('MFA_REQUIRED')) options.onMfaRequired?.();
    const renewable = reasons.some((reason) => RENEWABLE.has(reason));
    if (!renewable || !result) return;
    // Retried once at most: the retry's own result goes straight back to the caller.
    return from(renew(operation.getContext()['accessToken'])).pipe(switchMap((renewed) => (renewed ? forward(operation) : of(result))));
  });

  return ApolloLink.from([retry, bearer]);
}

/** `renew(refused)`: true once the stored pair is newer than the refused access token, false when logged out. */
function createRenewal({ uri, tokens, onLogout, fetch: fetchFn = fetch }: AuthLinkOptions) {
  let inFlight: Promise<boolean> | undefined;

  async function refresh(refreshToken: string): Promise<boolean> {
    const response = await fetchFn(uri, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operationName: 'Refresh', query: print(RefreshDocument), variables: { refreshToken } }),
    });
    const { data, errors } = (await response.json()) as {
      data?: RefreshMutation | null;
      errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
    };
    // The token is in the body: this client sends no Origin (a browser app of APP_ORIGINS gets it as a cookie).
    if (data?.refresh?.refreshToken) {
      tokens.set({ accessToken: data.refresh.accessToken, refreshToken: data.refresh.refreshToken });
      return true;
    }
    const reason = errors?.[0]?.extensions?.['reason'];
    if (reason === 'REFRESH_TOKEN_REUSED' || reason === 'REFRESH_TOKEN_INVALID') {
      tokens.set(null);
      onLogout(reason);
      return false;
    }
    // Rate limited, server away...: the tokens stay, this operation fails, a later one tries again.
    throw new Error(`Token refresh failed: ${errors?.[0]?.message ?? `HTTP ${response.status}`}`);
  }

  return (refused: string | undefined): Promise<boolean> => {
    const current = tokens.get();
    if (!current) return Promise.resolve(false);
    // Refused with a token already replaced: another operation refreshed meanwhile.
    if (current.accessToken !== refused) return Promise.resolve(true);
    inFlight ??= refresh(current.refreshToken).finally(() => (inFlight = undefined));
    return inFlight;
  };
}
