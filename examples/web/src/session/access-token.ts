/**
 * The access token, in this tab's memory and nowhere else: a reload forgets it, and the app gets
 * a new one from the refresh cookie (which no script can read). Listeners learn of sign-in and out.
 */
export interface SignedIn {
  readonly accessToken: string;
  readonly user: { readonly id: string; readonly username: string };
  /** The password was right; the second factor is still to give. */
  readonly mfaRequired: boolean;
}

type Listener = (state: SignedIn | null) => void;

let current: SignedIn | null = null;
const listeners = new Set<Listener>();

export const accessToken = {
  get: (): SignedIn | null => current,
  set(next: SignedIn | null): void {
    current = next;
    for (const listener of listeners) listener(next);
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
