import { AuthError, ConflictError, ForbiddenError, GatehouseError, InputError, RateLimitedError, SigningKeyConflictError, tokenError, UnavailableError } from '../src/errors';

describe('the error catalog', () => {
  it.each([
    [new AuthError('BAD_CREDENTIALS'), { code: 'UNAUTHENTICATED', reason: 'BAD_CREDENTIALS' }],
    [new AuthError('MFA_REQUIRED'), { code: 'UNAUTHENTICATED', reason: 'MFA_REQUIRED' }],
    [new ForbiddenError(), { code: 'FORBIDDEN' }],
    [new ForbiddenError('Confirm your address first.', 'EMAIL_NOT_VERIFIED'), { code: 'FORBIDDEN', reason: 'EMAIL_NOT_VERIFIED' }],
    [new InputError('password', 'too short'), { code: 'BAD_USER_INPUT', field: 'password' }],
    [new ConflictError('email'), { code: 'CONFLICT', field: 'email' }],
    [new RateLimitedError(900), { code: 'RATE_LIMITED', retryAfter: 900 }],
    [new SigningKeyConflictError('too soon', 42), { code: 'CONFLICT', retryAfter: 42 }],
    [new SigningKeyConflictError('HS256 has one key'), { code: 'CONFLICT' }],
    [new UnavailableError('away'), { code: 'SERVICE_UNAVAILABLE' }],
  ] as const)('%p carries its code and exactly what a client needs to act', (error, extensions) => {
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error.extensions()).toEqual(extensions);
  });

  it('gives each reason its own message', () => {
    const reasons = ['TOKEN_MISSING', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'TOKEN_REVOKED', 'BAD_CREDENTIALS', 'REFRESH_TOKEN_INVALID', 'REFRESH_TOKEN_REUSED', 'REAUTHENTICATION_REQUIRED', 'MFA_REQUIRED'] as const;
    const messages = new Set(reasons.map((reason) => new AuthError(reason).message));
    expect(messages.size).toBe(reasons.length);
  });
});

describe('tokenError', () => {
  it.each(['TOKEN_MISSING', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'TOKEN_REVOKED', 'MFA_REQUIRED'] as const)('is UNAUTHENTICATED with reason %s', (reason) => {
    const error = tokenError(reason);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.extensions()).toEqual({ code: 'UNAUTHENTICATED', reason });
  });

  it('is an UnavailableError, not UNAUTHENTICATED, when the token could not be checked', () => {
    expect(tokenError('TOKEN_UNVERIFIABLE')).toBeInstanceOf(UnavailableError);
  });
});
