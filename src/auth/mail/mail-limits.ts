import type { CounterRule } from '../limits/attempt-gate';
import { take } from '../limits/attempt-limiter';
import type { CounterStore } from '../limits/counter-store';
import { RateLimitedError } from '../../errors';

export interface MailLimitSettings {
  /** requestPasswordReset per address typed, whether or not an account has it. */
  readonly resetEmail: CounterRule;
  /** requestPasswordReset per IP. */
  readonly resetIp: CounterRule;
  /** requestEmailVerification per account. */
  readonly verificationAccount: CounterRule;
  /** changeEmail per account: each one mails an address the caller chose. */
  readonly changeEmailAccount: CounterRule;
}

const HOUR = 3600;

export const DEFAULT_MAIL_LIMITS: MailLimitSettings = Object.freeze({
  resetEmail: { points: 3, durationSeconds: HOUR, blockSeconds: 0 },
  resetIp: { points: 10, durationSeconds: HOUR, blockSeconds: 0 },
  verificationAccount: { points: 3, durationSeconds: HOUR, blockSeconds: 0 },
  changeEmailAccount: { points: 3, durationSeconds: HOUR, blockSeconds: 0 },
});

export interface MailLimits {
  /** Counts a reset request for the address and for the IP, both always; RateLimitedError (the longer wait) when either is over. */
  countResetRequest(email: string, ip: string | undefined): Promise<void>;
  countVerificationRequest(userId: string): Promise<void>;
  countEmailChange(userId: string): Promise<void>;
}

// Addresses match regardless of ASCII case (users.ts): counted the same way.
const addressKey = (email: string) => email.replace(/[A-Z]/g, (letter) => letter.toLowerCase());

/** Plain counters in the shared store (database or Redis): every instance counts against the same limits. */
export function createMailLimits({ store, settings }: { store: CounterStore; settings: MailLimitSettings }): MailLimits {
  const counter = (keyPrefix: string, rule: CounterRule) =>
    store.counter({ keyPrefix, points: rule.points, duration: rule.durationSeconds, blockDuration: rule.blockSeconds });
  const resetEmail = counter('mail_reset_email', settings.resetEmail);
  const resetIp = counter('mail_reset_ip', settings.resetIp);
  const verification = counter('mail_verify_account', settings.verificationAccount);
  const change = counter('mail_change_account', settings.changeEmailAccount);

  return {
    async countResetRequest(email, ip) {
      store.tidy();
      const results = await Promise.allSettled([take(resetEmail, addressKey(email)), take(resetIp, ip ?? 'unknown')]);
      const errors = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
      const storeFailure = errors.find((error) => !(error instanceof RateLimitedError));
      if (storeFailure !== undefined) throw storeFailure;
      const refusals = errors as RateLimitedError[];
      if (refusals.length > 0) throw refusals.reduce((longest, error) => (error.retryAfterSeconds > longest.retryAfterSeconds ? error : longest));
    },
    async countVerificationRequest(userId) {
      store.tidy();
      await take(verification, userId);
    },
    async countEmailChange(userId) {
      store.tidy();
      await take(change, userId);
    },
  };
}
