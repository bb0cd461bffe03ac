import { generateRefreshToken, hashRefreshToken } from '../../../src/auth/tokens/refresh-token';

describe('refresh tokens', () => {
  it('carry 256 bits: 43 base64url characters decoding to 32 bytes', () => {
    const token = generateRefreshToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('have no dots, so they can never pass for a JWT', () => {
    for (let i = 0; i < 100; i += 1) expect(generateRefreshToken()).not.toContain('.');
  });

  it('are unique', () => {
    const tokens = new Set(Array.from({ length: 1000 }, generateRefreshToken));
    expect(tokens.size).toBe(1000);
  });
});

describe('hashRefreshToken', () => {
  it('is deterministic', () => {
    const token = generateRefreshToken();
    expect(hashRefreshToken(token)).toBe(hashRefreshToken(token));
  });

  it('is not the token, nor contains it', () => {
    const token = generateRefreshToken();
    expect(hashRefreshToken(token)).not.toBe(token);
    expect(hashRefreshToken(token)).not.toContain(token);
  });

  it('differs between tokens', () => {
    expect(hashRefreshToken(generateRefreshToken())).not.toBe(hashRefreshToken(generateRefreshToken()));
  });

  it('is SHA-256 in base64url', () => {
    // SHA-256("abc"), a published test vector.
    expect(Buffer.from(hashRefreshToken('abc'), 'base64url').toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
