import type { ApolloClient } from '@apollo/client';
import { LogoutAllDocument, LogoutDocument } from '../documents';
import { askOtherTabs, shareSignIn, shareSignOut } from './tab-channel';
import { renewAccessToken } from './refresh';

type Payload = { accessToken: string; mfaRequired: boolean; user: { id: string; username: string } };

/** A pair came back (login, register, verifyTotp, resetPassword…): every tab is signed in with it. */
export function signedIn(payload: Payload): void {
  shareSignIn({ accessToken: payload.accessToken, user: payload.user, mfaRequired: payload.mfaRequired });
}

/** On start: an open tab's access token, else a refresh by cookie. False: show the login page. */
export async function resume(): Promise<boolean> {
  if (await askOtherTabs(150)) return true;
  return renewAccessToken(undefined);
}

/** Ends this session (the server clears the cookie), or every session; every tab signs out. */
export async function signOut(client: ApolloClient, everywhere = false): Promise<void> {
  try {
    await client.mutate({ mutation: everywhere ? LogoutAllDocument : LogoutDocument });
  } finally {
    shareSignOut();
    await client.clearStore();
  }
}
