import { GraphQLError } from 'graphql';
import { ConflictError, InputError } from '../../src/errors';
import { codeOf, createFormatError, isUnexpected } from '../../src/graphql/format-error';

/** What graphql-js hands formatError for an error thrown by a resolver. */
function fromResolver(original: Error): GraphQLError {
  return new GraphQLError(original.message, { path: ['register'], originalError: original });
}

describe('formatError', () => {
  const production = createFormatError({ production: true });

  it('maps a catalog error to its message, path and extensions, nothing else', () => {
    const error = fromResolver(new ConflictError('username'));
    expect(production({ message: error.message, path: ['register'] }, error)).toEqual({
      message: 'That username is already taken.',
      path: ['register'],
      locations: undefined,
      extensions: { code: 'CONFLICT', field: 'username' },
    });
    expect(codeOf(error)).toBe('CONFLICT');
    expect(isUnexpected(error)).toBe(false);
  });

  it('says nothing of an unexpected error in production', () => {
    const error = fromResolver(new Error('connect ECONNREFUSED 10.0.0.5:5432'));
    expect(isUnexpected(error)).toBe(true);
    expect(production({ message: error.message, path: ['me'] }, error)).toEqual({
      message: 'Internal server error',
      path: ['me'],
      locations: undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('keeps the field of an input error', () => {
    const error = fromResolver(new InputError('currentPassword', 'wrong'));
    expect(production({ message: error.message }, error).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'currentPassword' });
  });
});
