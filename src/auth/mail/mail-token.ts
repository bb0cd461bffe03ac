import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../clock';
import type { NewMailToken } from '../../db/mail-tokens';
import { InputError } from '../../errors';

export const RESET_TOKEN_TTL_MS = 60 * 60 * 1000;
export const VERIFICATION_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

// A mail token is 43 characters; anything much longer is not one, and is not worth a hash.
const MAX_TOKEN_LENGTH = 128;

export interface PendingMailToken {
  /** Goes into the link, and nowhere else. */
  readonly token: string;
  /** The form stored in the database. */
  readonly record: NewMailToken;
}

/** 256 random bits, base64url (safe in a URL as it is); only its SHA-256 is ever stored. */
export function newMailToken(clock: Clock, ttlMs: number): PendingMailToken {
  const token = randomBytes(32).toString('base64url');
  const now = clock.now();
  return { token, record: { tokenHash: hashMailToken(token), createdAt: new Date(now), expiresAt: new Date(now + ttlMs) } };
}

/** A fast hash suffices: the token has 256 bits of entropy. */
export function hashMailToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** The one answer to every token that does not work: unknown, spent, expired or meant for another flow. */
export function badMailToken(): InputError {
  return new InputError('token', 'This link is not valid (unknown, already used, or expired): ask for a new one.');
}

/** The stored hash of a presented token; anything that cannot be one is refused before a lookup. */
export function presentedTokenHash(token: string): string {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw badMailToken();
  return hashMailToken(token);
}
