import { emailSchema, passwordSchema, registerSchema, usernameSchema, validate } from '../../src/auth/validation';

/** Matches the InputError for `field`, as thrown by validate. */
const inputError = (field: string) => expect.objectContaining({ code: 'BAD_USER_INPUT', field, message: expect.any(String) });

const emailOfLength = (length: number) => `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(length - 197)}.com`;

const ACCOUNT = { username: 'alice_01', email: 'alice@example.com', password: 'long enough' };

describe('username', () => {
  it.each(['abc', 'Alice_01', '___', 'a'.repeat(32), 'Z9_z'])('accepts %p', (name) => {
    expect(validate(usernameSchema, name, 'username')).toBe(name);
  });

  it.each(['', 'ab', 'a'.repeat(33), 'a b', 'é', 'abé', 'a@b', 'a-b', 'a.b', 'abc\n', ' abc', 'аbc'])('refuses %j', (name) => {
    expect(() => validate(usernameSchema, name, 'username')).toThrow(inputError('username'));
  });
});

describe('email', () => {
  it.each(['alice@example.com', 'A.Lice+tag@Example.CO.uk', emailOfLength(254)])('accepts %p', (email) => {
    expect(validate(emailSchema, email, 'email')).toBe(email);
  });

  it.each([
    ['no @', 'alice.example.com'],
    ['no domain', 'alice@'],
    ['no local part', '@example.com'],
    ['a space', 'al ice@example.com'],
    ['255 characters', emailOfLength(255)],
    ['1000 characters', emailOfLength(1000)],
  ])('refuses one with %s', (_label, email) => {
    expect(() => validate(emailSchema, email, 'email')).toThrow(inputError('email'));
  });
});

describe('password', () => {
  it.each([
    ['8 ASCII characters', 'a'.repeat(8)],
    ['256 ASCII characters', 'a'.repeat(256)],
    ['8 astral characters (16 UTF-16 units)', '🔑'.repeat(8)],
    ['256 astral characters (512 UTF-16 units)', '🔑'.repeat(256)],
  ])('accepts %s', (_label, password) => {
    expect(validate(passwordSchema, password, 'password')).toBe(password);
  });

  it.each([
    ['empty', ''],
    ['7 ASCII characters', 'a'.repeat(7)],
    ['257 ASCII characters', 'a'.repeat(257)],
    ['7 astral characters, though 14 UTF-16 units', '🔑'.repeat(7)],
    ['257 astral characters', '🔑'.repeat(257)],
    ['a megabyte', 'a'.repeat(1_000_000)],
    // Hashed as UTF-8 it would become U+FFFD, and so equal every other lone surrogate.
    ['a lone surrogate', 'aaaaaaa\uD800'],
  ])('refuses %s', (_label, password) => {
    expect(() => validate(passwordSchema, password, 'password')).toThrow(inputError('password'));
  });

  it('names the field it was given', () => {
    expect(() => validate(passwordSchema, 'short', 'newPassword')).toThrow(inputError('newPassword'));
  });
});

describe('register input', () => {
  it('passes a valid account through', () => {
    expect(validate(registerSchema, ACCOUNT)).toEqual(ACCOUNT);
  });

  it.each([
    ['username', { ...ACCOUNT, username: 'ab' }],
    ['email', { ...ACCOUNT, email: 'nope' }],
    ['password', { ...ACCOUNT, password: 'short' }],
  ])('names %s when it is the field at fault', (field, input) => {
    expect(() => validate(registerSchema, input)).toThrow(inputError(field));
  });

  it('refuses a missing field, naming it', () => {
    expect(() => validate(registerSchema, { username: 'alice', email: 'a@example.com' })).toThrow(inputError('password'));
  });

  it('refuses a value of the wrong type, naming it', () => {
    expect(() => validate(registerSchema, { ...ACCOUNT, username: 42 })).toThrow(inputError('username'));
  });
});
