import { AuthError, type DenialReason } from '../errors';
import { codeOf } from './format-error';

/**
 * What the GraphQL layer reports as it runs, for metrics. `outcome` is `ok`, or the failure's
 * reason (UNAUTHENTICATED) or code: a small, fixed set, fit for a metric label. `denied` is
 * called on a refusal only, so a field that is allowed costs nothing more.
 */
export interface AuthEvents {
  readonly login: (outcome: string) => void;
  readonly refresh: (outcome: string) => void;
  readonly denied: (reason: DenialReason) => void;
}

export const NO_AUTH_EVENTS: AuthEvents = { login: () => {}, refresh: () => {}, denied: () => {} };

/** Reports how `work` ended, passing its result or its error on unchanged. */
export async function reported<T>(report: (outcome: string) => void, work: Promise<T>): Promise<T> {
  try {
    const result = await work;
    report('ok');
    return result;
  } catch (error) {
    report(error instanceof AuthError ? error.reason : codeOf(error));
    throw error;
  }
}
