import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { type AccessTokens, createAccessTokens } from '../../../src/auth/tokens/access-token';
import { generateRefreshToken } from '../../../src/auth/tokens/refresh-token';
import { FakeClock } from '../../support/fake-clock';
import { hs256Ring } from '../../support/key-rings';

const SECRET = 'unit-test-secret-that-is-at-least-32-bytes';
const ISSUER = 'gatehouse-test';
const AUDIENCE = 'gatehouse-clients';
const TTL = 900;
const AUTH_TIME = new Date(Date.UTC(2026, 10, 23, 11, 0, 0));
const SUBJECT = { userId: 'user-1', role: 'USER', sessionId: 'session-1', tokenVersion: 3, authTime: AUTH_TIME } as const;

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT built by hand, so that any header at all can be signed with HS256. */
function forge(header: Record<string, unknown>, payload: Record<string, unknown>, secret = SECRET): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

function decodeParts(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header!, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>,
  };
}

const HEADER = { alg: 'HS256', typ: 'at+jwt' };

describe('access tokens', () => {
  let clock: FakeClock;
  let tokens: AccessTokens;
  let nowSeconds: number;

  /** Claims that verify, unless a test overrides or removes one. */
  const validClaims = (): Record<string, unknown> => ({
    sub: 'user-1',
    role: 'USER',
    sid: 'session-1',
    jti: 'jti-1',
    ver: 0,
    iat: nowSeconds,
    exp: nowSeconds + TTL,
    iss: ISSUER,
    aud: AUDIENCE,
  });

  const without = (claim: string) => {
    const payload = validClaims();
    delete payload[claim];
    return payload;
  };

  beforeEach(() => {
    clock = new FakeClock();
    nowSeconds = Math.floor(clock.now() / 1000);
    tokens = createAccessTokens({ keys: hs256Ring(SECRET, clock), issuer: ISSUER, audience: AUDIENCE, ttlSeconds: TTL, clock });
  });

  describe('sign', () => {
    it('writes an HS256 header with typ at+jwt', () => {
      const { header } = decodeParts(tokens.sign(SUBJECT).token);
      expect(header).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    });

    it('writes every claim, with exp one TTL after iat', () => {
      const { token, expiresAt } = tokens.sign(SUBJECT);
      const { payload } = decodeParts(token);
      expect(payload).toEqual({
        sub: 'user-1',
        role: 'USER',
        sid: 'session-1',
        ver: 3,
        jti: expect.any(String),
        iat: nowSeconds,
        exp: nowSeconds + TTL,
        iss: ISSUER,
        aud: AUDIENCE,
        scope: 'user',
        auth_time: AUTH_TIME.getTime() / 1000,
        amr: ['pwd'],
      });
      expect(expiresAt.getTime()).toBe((nowSeconds + TTL) * 1000);
    });

    it('gives every token its own jti', () => {
      const jtis = new Set(Array.from({ length: 50 }, () => decodeParts(tokens.sign(SUBJECT).token).payload.jti));
      expect(jtis.size).toBe(50);
    });

    it('signs with the UTF-8 bytes of the secret, so other verifiers accept it', () => {
      const { token } = tokens.sign(SUBJECT);
      const decoded = jwt.verify(token, SECRET, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, clockTimestamp: nowSeconds });
      expect(decoded).toMatchObject({ sub: 'user-1', sid: 'session-1' });
    });
  });

  describe('verify accepts', () => {
    it('a token it signed, giving back its claims', () => {
      const { token } = tokens.sign({ ...SUBJECT, role: 'ADMIN' });
      expect(tokens.verify(token)).toEqual({
        ok: true,
        claims: expect.objectContaining({ sub: 'user-1', role: 'ADMIN', sid: 'session-1', ver: 3, iat: nowSeconds, exp: nowSeconds + TTL }),
      });
    });

    it('a token forged correctly by hand', () => {
      expect(tokens.verify(forge(HEADER, validClaims()))).toMatchObject({ ok: true });
    });

    it('a session pending its second factor: amr ["pwd"], mfa_pending, read back as mfaPending', () => {
      const { token } = tokens.sign({ ...SUBJECT, secondFactor: 'PENDING' });
      expect(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'))).toMatchObject({ amr: ['pwd'], mfa_pending: true });
      expect(tokens.verify(token)).toMatchObject({ ok: true, claims: { mfaPending: true } });
    });

    it('a session whose second factor was given: amr ["pwd","otp"] and no mfa_pending', () => {
      const { token } = tokens.sign({ ...SUBJECT, secondFactor: 'GIVEN' });
      const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      expect(payload['amr']).toEqual(['pwd', 'otp']);
      expect('mfa_pending' in payload).toBe(false);
      expect(tokens.verify(token)).toMatchObject({ ok: true, claims: { mfaPending: false } });
    });

    it('a token one second before exp', () => {
      const { token } = tokens.sign(SUBJECT);
      clock.advance((TTL - 1) * 1000);
      expect(tokens.verify(token)).toMatchObject({ ok: true });
    });
  });

  describe('verify refuses as TOKEN_INVALID', () => {
    const invalid = { ok: false, reason: 'TOKEN_INVALID' };

    it('alg none with an empty signature', () => {
      const token = `${b64url({ alg: 'none', typ: 'at+jwt' })}.${b64url(validClaims())}.`;
      expect(tokens.verify(token)).toEqual(invalid);
    });

    it.each(['HS384', 'HS512'] as const)('%s signed with the same secret', (algorithm) => {
      const token = jwt.sign(validClaims(), SECRET, { algorithm, header: { alg: algorithm, typ: 'at+jwt' } });
      expect(tokens.verify(token)).toEqual(invalid);
    });

    it('a token signed with another secret', () => {
      expect(tokens.verify(forge(HEADER, validClaims(), 'another-secret-that-is-also-32-bytes-long'))).toEqual(invalid);
    });

    it('a token whose signature was altered', () => {
      const token = forge(HEADER, validClaims());
      const last = token.at(-2) === 'A' ? 'B' : 'A';
      expect(tokens.verify(`${token.slice(0, -2)}${last}${token.at(-1)}`)).toEqual(invalid);
    });

    it('a token whose payload was altered after signing', () => {
      const [header, , signature] = forge(HEADER, validClaims()).split('.');
      expect(tokens.verify(`${header}.${b64url({ ...validClaims(), role: 'ADMIN' })}.${signature}`)).toEqual(invalid);
    });

    it('a token without typ', () => {
      expect(tokens.verify(forge({ alg: 'HS256' }, validClaims()))).toEqual(invalid);
    });

    it.each(['JWT', 'rt+jwt', 42])('a token with typ %p', (typ) => {
      expect(tokens.verify(forge({ alg: 'HS256', typ }, validClaims()))).toEqual(invalid);
    });

    it('a token signed by jsonwebtoken with its default typ JWT', () => {
      expect(tokens.verify(jwt.sign(validClaims(), SECRET, { algorithm: 'HS256' }))).toEqual(invalid);
    });

    it.each(['exp', 'iss', 'aud', 'sub', 'role', 'sid', 'jti', 'iat', 'ver'])('a token without %s', (claim) => {
      expect(tokens.verify(forge(HEADER, without(claim)))).toEqual(invalid);
    });

    it.each([
      ['iss', 'someone-else'],
      ['aud', 'another-service'],
      ['role', 'ROOT'],
      ['sub', 42],
      ['exp', 'tomorrow'],
      ['ver', '3'],
      // Only `true` marks a pending session: anything else is no token this service signs.
      ['mfa_pending', false],
      ['mfa_pending', 'true'],
    ])('a token whose %s is %p', (claim, value) => {
      expect(tokens.verify(forge(HEADER, { ...validClaims(), [claim]: value }))).toEqual(invalid);
    });

    it.each([
      ['an empty string', ''],
      ['a word', 'garbage'],
      ['three dotted words', 'a.b.c'],
      ['two parts', 'a.b'],
      ['only dots', '...'],
      ['an unsigned JWT without typ', 'eyJhbGciOiJIUzI1NiJ9.e30.'],
      ['a 10 kB string', `${'x'.repeat(10_000)}.y.z`],
    ])('%s', (_label, garbage) => {
      expect(tokens.verify(garbage)).toEqual(invalid);
    });

    it('a refresh token', () => {
      expect(tokens.verify(generateRefreshToken())).toEqual(invalid);
    });

    it('a token signed by another issuer configuration', () => {
      const other = createAccessTokens({ keys: hs256Ring(SECRET, clock), issuer: 'other', audience: AUDIENCE, ttlSeconds: TTL, clock });
      expect(tokens.verify(other.sign(SUBJECT).token)).toEqual(invalid);
    });
  });

  describe('verify refuses as TOKEN_EXPIRED', () => {
    const expired = { ok: false, reason: 'TOKEN_EXPIRED' };

    it('a token past exp on its first verification', () => {
      const { token } = tokens.sign(SUBJECT);
      clock.advance((TTL + 1) * 1000);
      expect(tokens.verify(token)).toEqual(expired);
    });

    it('a token at exactly exp', () => {
      const { token } = tokens.sign(SUBJECT);
      clock.advance(TTL * 1000);
      expect(tokens.verify(token)).toEqual(expired);
    });

    it('a token already verified (and cached) once the clock passes exp', () => {
      const { token } = tokens.sign(SUBJECT);
      expect(tokens.verify(token)).toMatchObject({ ok: true });
      clock.advance(TTL * 1000);
      expect(tokens.verify(token)).toEqual(expired);
    });

    it('a forged token whose exp is in the past', () => {
      expect(tokens.verify(forge(HEADER, { ...validClaims(), exp: nowSeconds - 1 }))).toEqual(expired);
    });
  });

  it('caches only tokens that verified: a refused token stays refused', () => {
    const token = forge({ alg: 'HS256', typ: 'JWT' }, validClaims());
    expect(tokens.verify(token)).toMatchObject({ ok: false });
    expect(tokens.verify(token)).toMatchObject({ ok: false });
  });
});
