import { accessToken, type SignedIn } from './access-token';

/** What the tabs of the app tell each other. Never a refresh token: that one is a cookie. */
type Message = { type: 'signedIn'; state: SignedIn } | { type: 'signedOut' } | { type: 'ask' };

const channel = new BroadcastChannel('gatehouse-session');

channel.onmessage = (event: MessageEvent<Message>) => {
  const message = event.data;
  if (message.type === 'signedIn') accessToken.set(message.state);
  else if (message.type === 'signedOut') accessToken.set(null);
  else if (message.type === 'ask') {
    // A tab just opened: give it the pair this tab holds rather than let it spend the cookie.
    const state = accessToken.get();
    if (state && !state.mfaRequired) channel.postMessage({ type: 'signedIn', state } satisfies Message);
  }
};

/** Tells the other tabs (and this one) that the session has this access token now. */
export function shareSignIn(state: SignedIn): void {
  accessToken.set(state);
  channel.postMessage({ type: 'signedIn', state } satisfies Message);
}

/** Tells every tab that the session is over. */
export function shareSignOut(): void {
  accessToken.set(null);
  channel.postMessage({ type: 'signedOut' } satisfies Message);
}

/** Resolves true once this tab holds an access token other than `stale`, false after `ms`. */
export function tokenOtherThan(stale: string | undefined, ms: number): Promise<boolean> {
  const fresh = () => {
    const state = accessToken.get();
    return state !== null && state.accessToken !== stale;
  };
  if (fresh()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      unsubscribe();
      resolve(fresh());
    }, ms);
    const unsubscribe = accessToken.subscribe(() => {
      if (!fresh()) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(true);
    });
  });
}

/** Asks the open tabs for their access token; true when one answered within `ms`. */
export function askOtherTabs(ms: number): Promise<boolean> {
  channel.postMessage({ type: 'ask' } satisfies Message);
  return tokenOtherThan(undefined, ms);
}
