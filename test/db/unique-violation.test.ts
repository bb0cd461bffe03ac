import { uniqueViolation } from '../../src/db/unique-violation';

const withFields = (fields: Record<string, unknown>, cause?: unknown) => Object.assign(new Error('failed', { cause }), fields);

describe('uniqueViolation', () => {
  it('reads postgres.js: constraint_name', () => {
    expect(uniqueViolation(withFields({ code: '23505', constraint_name: 'users_username_lower' }))).toBe('users_username_lower');
  });

  it('reads PGlite: constraint', () => {
    expect(uniqueViolation(withFields({ code: '23505', constraint: 'users_email_lower' }))).toBe('users_email_lower');
  });

  it('looks through the causes drizzle wraps around the driver error', () => {
    const driver = withFields({ code: '23505', constraint_name: 'users_email_lower' });
    expect(uniqueViolation(withFields({ query: 'insert ...' }, withFields({}, driver)))).toBe('users_email_lower');
  });

  it('says an empty name when the driver gives none', () => {
    expect(uniqueViolation(withFields({ code: '23505' }))).toBe('');
  });

  it.each([
    ['another SQLSTATE', withFields({ code: '23503', constraint_name: 'fk' })],
    ['an error without a code', new Error('boom')],
    ['a string', '23505'],
    ['an object that is not an Error', { code: '23505', constraint_name: 'x' }],
    ['undefined', undefined],
  ])('says undefined for %s', (_label, error) => {
    expect(uniqueViolation(error)).toBeUndefined();
  });
});
