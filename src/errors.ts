/**
 * Expected failures of the use cases. Services throw these; the GraphQL layer maps them to
 * `extensions.code` in one place (graphql/format-error.ts). Anything else is unexpected.
 */
export type AuthReason =
  | 'TOKEN_MISSING'
  | 'TOKEN_INVALID'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_REVOKED'
  | 'BAD_CREDENTIALS'
  | 'REFRESH_TOKEN_INVALID'
  | 'REFRESH_TOKEN_REUSED';

const AUTH_MESSAGES: Readonly<Record<AuthReason, string>> = {
  TOKEN_MISSING: 'Authentication required: send an access token as "Authorization: Bearer <token>".',
  TOKEN_INVALID: 'The access token is not valid.',
  TOKEN_EXPIRED: 'The access token has expired: refresh it.',
  TOKEN_REVOKED: 'The access token has been revoked.',
  BAD_CREDENTIALS: 'Wrong username or password.',
  REFRESH_TOKEN_INVALID: 'The refresh token is not valid: log in again.',
  REFRESH_TOKEN_REUSED: 'The refresh token was already used: the session has been ended. Log in again.',
};

export class AuthError extends Error {
  readonly code = 'UNAUTHENTICATED';
  constructor(readonly reason: AuthReason) {
    super(AUTH_MESSAGES[reason]);
  }
}

export class ForbiddenError extends Error {
  readonly code = 'FORBIDDEN';
  constructor(message = 'You are not allowed to do this.') {
    super(message);
  }
}

export class InputError extends Error {
  readonly code = 'BAD_USER_INPUT';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export class ConflictError extends Error {
  readonly code = 'CONFLICT';
  constructor(readonly field: 'username' | 'email') {
    super(`That ${field} is already taken.`);
  }
}

export class RateLimitedError extends Error {
  readonly code = 'RATE_LIMITED';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many attempts: try again in ${retryAfterSeconds} seconds.`);
  }
}

/** A dependency (the database) is away, so the answer cannot be given safely now; retrying later can work. */
export class UnavailableError extends Error {
  readonly code = 'SERVICE_UNAVAILABLE';
}

export type DomainError = AuthError | ForbiddenError | InputError | ConflictError | RateLimitedError | UnavailableError;

export function isDomainError(error: unknown): error is DomainError {
  return (
    error instanceof AuthError ||
    error instanceof ForbiddenError ||
    error instanceof InputError ||
    error instanceof ConflictError ||
    error instanceof RateLimitedError ||
    error instanceof UnavailableError
  );
}
