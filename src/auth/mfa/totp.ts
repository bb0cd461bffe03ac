import { generateSecret, generateSync, generateURI, verifySync } from 'otplib';
import type { Clock } from '../../clock';

/** RFC 6238 as authenticator apps expect it: SHA-1, 6 digits, 30-second steps. */
const PERIOD_SECONDS = 30;
const CODE = /^\d{6}$/;

export interface Totp {
  /** A new secret in base32 (160 random bits, as RFC 4226 recommends). */
  newSecret(): string;
  /** The otpauth:// URI an app reads from a QR code. */
  uri(secret: string, accountName: string): string;
  /**
   * The time step `code` belongs to, when it is the code of the current step or of one either
   * side (clock drift, a code typed as it changed); undefined otherwise. The caller refuses a step
   * it has accepted before.
   */
  stepOf(secret: string, code: string): number | undefined;
  /** The current code (for tests and tools: the service never needs to show one). */
  codeAt(secret: string, epochMs: number): string;
}

export function createTotp(deps: { clock: Clock; issuer: string }): Totp {
  return {
    newSecret: () => generateSecret({ length: 20 }),
    uri: (secret, accountName) => generateURI({ issuer: deps.issuer, label: accountName, secret, period: PERIOD_SECONDS, digits: 6, algorithm: 'sha1' }),
    stepOf(secret, code) {
      if (!CODE.test(code)) return undefined;
      const epoch = Math.floor(deps.clock.now() / 1000);
      // A tolerance of one period reaches exactly the step before and the step after.
      const result = verifySync({ secret, token: code, epoch, epochTolerance: PERIOD_SECONDS, period: PERIOD_SECONDS, digits: 6, algorithm: 'sha1' });
      // The step matched: the current one moved by `delta` steps.
      return result.valid ? Math.floor(epoch / PERIOD_SECONDS) + result.delta : undefined;
    },
    codeAt: (secret, epochMs) => generateSync({ secret, epoch: Math.floor(epochMs / 1000), period: PERIOD_SECONDS, digits: 6, algorithm: 'sha1' }),
  };
}
