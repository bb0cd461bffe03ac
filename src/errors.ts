/**
 * The catalog of expected failures. Services throw these; the GraphQL layer turns them into
 * `extensions` in one place (graphql/format-error.ts) by asking each error for its own. Anything
 * that is not a `GatehouseError` is unexpected. Adding an error is one class here plus its case in
 * test/graphql/format-error.test.ts.
 */

/** The `extensions.code` values a client can act on (Apollo's own codes aside). */
export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'CONFLICT' | 'RATE_LIMITED' | 'SERVICE_UNAVAILABLE';

/** Why a request's access token does not identify a caller. */
export type TokenReason = 'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_REVOKED';

/** Every `extensions.reason` of UNAUTHENTICATED. */
export type AuthReason = TokenReason | 'BAD_CREDENTIALS' | 'REFRESH_TOKEN_INVALID' | 'REFRESH_TOKEN_REUSED' | 'REAUTHENTICATION_REQUIRED' | 'MFA_REQUIRED';

/**
 * Why a request has no caller: a token reason, `TOKEN_UNVERIFIABLE` when the token could not
 * be vouched for because the database is away (a SERVICE_UNAVAILABLE, not the token's fault), or
 * `MFA_REQUIRED` when its session still owes the second factor (a caller only where a rule admits that).
 */
export type TokenFailure = TokenReason | 'TOKEN_UNVERIFIABLE' | 'MFA_REQUIRED';

/** Why a guarded field was refused: the caller's token, or a valid caller without the role or ownership. Small and fixed: a metric label. */
export type DenialReason = TokenFailure | 'FORBIDDEN' | 'REAUTHENTICATION_REQUIRED';

/** The base of the catalog: an error that knows its code and what else a client needs to act on it. */
export abstract class GatehouseError extends Error {
  abstract readonly code: ErrorCode;

  /** `extensions` beside `code` (a reason, a field, a wait); none by default. */
  details(): Readonly<Record<string, string | number>> {
    return {};
  }

  extensions(): Readonly<Record<string, string | number>> {
    return { code: this.code, ...this.details() };
  }
}

const AUTH_MESSAGES: Readonly<Record<AuthReason, string>> = {
  TOKEN_MISSING: 'Authentication required: send an access token as "Authorization: Bearer <token>".',
  TOKEN_INVALID: 'The access token is not valid.',
  TOKEN_EXPIRED: 'The access token has expired: refresh it.',
  TOKEN_REVOKED: 'The access token has been revoked.',
  BAD_CREDENTIALS: 'Wrong username or password.',
  REFRESH_TOKEN_INVALID: 'The refresh token is not valid: log in again.',
  REFRESH_TOKEN_REUSED: 'The refresh token was already used: the session has been ended. Log in again.',
  REAUTHENTICATION_REQUIRED: 'This needs a recent sign-in: prove your password again, then retry.',
  MFA_REQUIRED: 'This sign-in is not complete: give a code from your authenticator app (verifyTotp) or a recovery code.',
};

export class AuthError extends GatehouseError {
  readonly code = 'UNAUTHENTICATED';
  constructor(readonly reason: AuthReason) {
    super(AUTH_MESSAGES[reason]);
  }
  override details() {
    return { reason: this.reason };
  }
}

/** Every `extensions.reason` of FORBIDDEN; most refusals carry none. */
export type ForbiddenReason = 'EMAIL_NOT_VERIFIED';

export class ForbiddenError extends GatehouseError {
  readonly code = 'FORBIDDEN';
  constructor(
    message = 'You are not allowed to do this.',
    readonly reason?: ForbiddenReason,
  ) {
    super(message);
  }
  override details(): Readonly<Record<string, string>> {
    return this.reason === undefined ? {} : { reason: this.reason };
  }
}

export class InputError extends GatehouseError {
  readonly code = 'BAD_USER_INPUT';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
  override details() {
    return { field: this.field };
  }
}

export class ConflictError extends GatehouseError {
  readonly code = 'CONFLICT';
  constructor(readonly field: 'username' | 'email') {
    super(`That ${field} is already taken.`);
  }
  override details() {
    return { field: this.field };
  }
}

/** The change would leave no ADMIN that is not disabled (demoting, disabling or deleting the last one). */
export class LastAdminError extends GatehouseError {
  readonly code = 'CONFLICT';
  constructor() {
    super('This is the last ADMIN that is not disabled: make another account ADMIN first.');
  }
}

/** The signing keys cannot change that way: a rotation before the NEXT key has been published long enough (`retryAfter` says when), or a change HS256 has no use for. */
export class SigningKeyConflictError extends GatehouseError {
  readonly code = 'CONFLICT';
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
  override details(): Readonly<Record<string, number>> {
    return this.retryAfterSeconds === undefined ? {} : { retryAfter: this.retryAfterSeconds };
  }
}

export class RateLimitedError extends GatehouseError {
  readonly code = 'RATE_LIMITED';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many attempts: try again in ${retryAfterSeconds} seconds.`);
  }
  override details() {
    return { retryAfter: this.retryAfterSeconds };
  }
}

/** A dependency (the database) is away, so the answer cannot be given safely now; retrying later can work. */
export class UnavailableError extends GatehouseError {
  readonly code = 'SERVICE_UNAVAILABLE';
}

/** The error a guarded field fails with when its request has no caller. */
export function tokenError(reason: TokenFailure): AuthError | UnavailableError {
  return reason === 'TOKEN_UNVERIFIABLE'
    ? new UnavailableError('Access cannot be checked right now (the database is unreachable): try again shortly.')
    : new AuthError(reason);
}
