import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { type AuthLinkOptions, createAuthLink } from './auth-link';
import { LoginDocument, LogoutDocument } from './documents';
import type { TokenStore } from './token-store';

/** An Apollo Client for Gatehouse: the auth link in front of plain HTTP. */
export function createGatehouseClient(options: AuthLinkOptions): ApolloClient {
  return new ApolloClient({
    link: ApolloLink.from([createAuthLink(options), new HttpLink({ uri: options.uri, fetch: options.fetch })]),
    cache: new InMemoryCache(),
  });
}

/** Logs in and keeps the pair; resolves to the user. Wrong credentials reject (UNAUTHENTICATED, BAD_CREDENTIALS). */
export async function logIn(client: ApolloClient, tokens: TokenStore, username: string, password: string) {
  const { data } = await client.mutate({ mutation: LoginDocument, variables: { input: { username, password } }, errorPolicy: 'none' });
  tokens.set({ accessToken: data.login.accessToken, refreshToken: data.login.refreshToken });
  return data.login.user;
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
