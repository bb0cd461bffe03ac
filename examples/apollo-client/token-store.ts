/** The pair Gatehouse hands out at login and at every refresh. */
export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
}

/**
 * Where the app keeps its tokens: memory, sessionStorage, a mobile keychain... Synchronous, so
 * that each request picks up the current access token as it leaves.
 */
export interface TokenStore {
  get(): TokenPair | null;
  set(tokens: TokenPair | null): void;
}

/** Tokens in memory only: gone on reload, out of reach of other scripts' storage reads. */
export function memoryTokenStore(): TokenStore {
  let tokens: TokenPair | null = null;
  return {
    get: () => tokens,
    set: (next) => void (tokens = next),
  };
}
