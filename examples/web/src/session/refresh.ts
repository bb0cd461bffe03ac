import { print } from 'graphql';
import { RefreshDocument } from '../documents';
import type { RefreshMutation } from '../gql/graphql';
import { accessToken } from './access-token';
import { GATEHOUSE_URL } from './endpoint';
import { shareSignIn, shareSignOut, tokenOtherThan } from './tab-channel';

const LOCK = 'gatehouse-refresh';
// How long a tab that waited for another's refresh waits for its result to arrive.
const RESULT_WAIT_MS = 1_000;

let inFlight: Promise<boolean> | undefined;

/**
 * Renews the access token `stale` (undefined: the tab has none yet). True once this tab holds a
 * newer one; false when the session is over. Operations of this tab refused together share one
 * call; tabs share one refresh through a Web Lock: the cookie is one for all tabs, and spending
 * it twice is taken for theft (the server ends the session).
 */
export function renewAccessToken(stale: string | undefined): Promise<boolean> {
  const state = accessToken.get();
  if (state && state.accessToken !== stale) return Promise.resolve(true);
  inFlight ??= coordinated(stale).finally(() => (inFlight = undefined));
  return inFlight;
}

async function coordinated(stale: string | undefined): Promise<boolean> {
  // Nobody else refreshing: this tab does it, holding the lock until the others can be told. A
  // result another tab posted just before letting go of the lock may still be queued: take it first.
  const alone = await navigator.locks.request(LOCK, { ifAvailable: true }, async (lock) => (lock ? { renewed: (await tokenOtherThan(stale, 0)) || (await refreshByCookie()) } : null));
  if (alone) return alone.renewed;
  // Another tab is refreshing: once it is done, take its result rather than spend the new cookie too.
  return navigator.locks.request(LOCK, async () => (await tokenOtherThan(stale, RESULT_WAIT_MS)) || refreshByCookie());
}

/** `refresh` with no argument: the browser sends the cookie, and stores the next one. */
async function refreshByCookie(): Promise<boolean> {
  const response = await fetch(GATEHOUSE_URL, {
    method: 'POST',
    credentials: 'include',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ operationName: 'Refresh', query: print(RefreshDocument) }),
  });
  const { data, errors } = (await response.json()) as { data?: RefreshMutation | null; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] };
  if (data?.refresh) {
    shareSignIn({ accessToken: data.refresh.accessToken, user: data.refresh.user, mfaRequired: data.refresh.mfaRequired });
    return true;
  }
  if (errors?.[0]?.extensions?.['code'] === 'UNAUTHENTICATED') {
    // No cookie, an ended session, or a spent token: signed out, in every tab.
    shareSignOut();
    return false;
  }
  throw new Error(`Could not renew the session: ${errors?.[0]?.message ?? `HTTP ${response.status}`}`);
}
