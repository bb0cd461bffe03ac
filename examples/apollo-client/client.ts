import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { type AuthLinkOptions, createAuthLink } from './auth-link';
import { LoginDocument, LogoutDocument, UseRecoveryCodeDocument, VerifyTotpDocument } from './documents';
import type { TokenStore } from './token-store';

/** An Apollo Client for Gatehouse: the auth link in front of plain HTTP. */
export function createGatehouseClient(options: AuthLinkOptions): ApolloClient {
  return new ApolloClient({
    link: ApolloLink.from([createAuthLink(options), new HttpLink({ uri: options.uri, fetch: options.fetch })]),
    cache: new InMemoryCache(),
  });
}

/**
 * Where a sign-in stands. `mfaRequired`: the password was right and the account has a second
 * factor; the pair is kept, but it opens nothing until `submitTotp` (or `submitRecoveryCode`)
 * completes it, so show a code prompt, greeting `user` by name, rather than an error.
 */
export type SignIn = { readonly status: 'signedIn' | 'mfaRequired'; readonly user: { readonly id: string; readonly username: string } };

type Payload = { accessToken: string; refreshToken: string | null; mfaRequired: boolean; user: { id: string; username: string } };

function keep(tokens: TokenStore, payload: Payload): SignIn {
  // Null only for a request from one of APP_ORIGINS (a browser app, see examples/web): this client sends no Origin.
  if (payload.refreshToken === null) throw new Error('No refresh token in the body: this client must not send an Origin listed in APP_ORIGINS');
  tokens.set({ accessToken: payload.accessToken, refreshToken: payload.refreshToken });
  return { status: payload.mfaRequired ? 'mfaRequired' : 'signedIn', user: payload.user };
}

/** Logs in and keeps the pair. Wrong credentials reject (UNAUTHENTICATED, BAD_CREDENTIALS). */
export async function logIn(client: ApolloClient, tokens: TokenStore, username: string, password: string): Promise<SignIn> {
  const { data } = await client.mutate({ mutation: LoginDocument, variables: { input: { username, password } }, errorPolicy: 'none' });
  return keep(tokens, data.login);
}

/** Completes a pending sign-in with the code of the authenticator app. A wrong code rejects (BAD_USER_INPUT, field `code`). */
export async function submitTotp(client: ApolloClient, tokens: TokenStore, code: string): Promise<SignIn> {
  const { data } = await client.mutate({ mutation: VerifyTotpDocument, variables: { code }, errorPolicy: 'none' });
  return keep(tokens, data.verifyTotp);
}

/** As submitTotp, with one of the recovery codes (each works once). */
export async function submitRecoveryCode(client: ApolloClient, tokens: TokenStore, code: string): Promise<SignIn> {
  const { data } = await client.mutate({ mutation: UseRecoveryCodeDocument, variables: { code }, errorPolicy: 'none' });
  return keep(tokens, data.useRecoveryCode);
}

/** Ends the session at the server, then forgets the tokens and everything cached for the user. */
export async function logOut(client: ApolloClient, tokens: TokenStore): Promise<void> {
  try {
    await client.mutate({ mutation: LogoutDocument, variables: { refreshToken: tokens.get()?.refreshToken } });
  } finally {
    tokens.set(null);
    await client.clearStore();
  }
}
