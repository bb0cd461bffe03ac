import jwt from 'jsonwebtoken';
import { generateKeyPairSync } from 'node:crypto';
import { createAccessTokenVerifier, createJwksAccessTokenVerifier } from '../../examples/verify-token';
import { type AuthPayload, REGISTER } from '../support/documents';
import { type HttpTestServer, payloadOf, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';
import { TEST_SECRET } from '../support/test-app';

/** What a verifier returns for a token the server issued to `payload`'s user. */
const issuedClaims = (payload: AuthPayload) => ({
  sub: payload.user.id,
  role: 'USER',
  scope: 'user',
  sid: expect.any(String),
  jti: expect.any(String),
  iat: expect.any(Number),
  exp: expect.any(Number),
});

// Verification involves no database: one kind is enough.
describe('verifying access tokens in another service through the JWKS (examples/verify-token.ts)', () => {
  let server: HttpTestServer;
  let issued: AuthPayload;
  let verify: ReturnType<typeof createJwksAccessTokenVerifier>;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  beforeAll(async () => {
    server = await startTestServer('pglite');
    issued = payloadOf(await server.graphql(REGISTER, { variables: { input: newAccount('jwks') } }), 'register');
    verify = createJwksAccessTokenVerifier({ jwksUrl: `${server.origin}/.well-known/jwks.json`, issuer: 'gatehouse', audience: 'gatehouse' });
  });
  afterAll(() => server.close());

  const header = () => jwt.decode(issued.accessToken, { complete: true })!.header;
  const claims = () => jwt.decode(issued.accessToken) as Record<string, unknown>;

  it('accepts a token the server issued and returns its claims', async () => {
    expect(await verify(issued.accessToken)).toEqual(issuedClaims(issued));
  });

  it.each<[string, () => string, string]>([
    ['a key of its own under the real kid', () => jwt.sign(claims(), privateKey, { algorithm: 'ES256', header: { ...header(), alg: 'ES256' } }), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
    ['HS256 with JWT_SECRET', () => jwt.sign(claims(), TEST_SECRET, { algorithm: 'HS256', header: { ...header(), alg: 'HS256' } }), 'ERR_JOSE_ALG_NOT_ALLOWED'],
    ['an unknown kid', () => jwt.sign(claims(), privateKey, { algorithm: 'ES256', header: { ...header(), alg: 'ES256', kid: 'unknown' } }), 'ERR_JWKS_NO_MATCHING_KEY'],
  ])('refuses %s', async (_, make, code) => {
    await expect(verify(make())).rejects.toMatchObject({ code });
  });
});

describe('verifying HS256 access tokens with the shared secret (examples/verify-token.ts)', () => {
  let server: HttpTestServer;
  let issued: AuthPayload;
  const verify = createAccessTokenVerifier({ secret: TEST_SECRET, issuer: 'gatehouse', audience: 'gatehouse' });

  beforeAll(async () => {
    server = await startTestServer('pglite', { env: { JWT_ALGORITHM: 'HS256' } });
    issued = payloadOf(await server.graphql(REGISTER, { variables: { input: newAccount('verify') } }), 'register');
  });
  afterAll(() => server.close());

  /** The issued token's claims, changed and signed again as given: what a forger could send. */
  function forged(change: Record<string, unknown>, options: { secret?: string; algorithm?: jwt.Algorithm; typ?: string } = {}): string {
    const claims = { ...(jwt.decode(issued.accessToken) as Record<string, unknown>), ...change };
    for (const [name, value] of Object.entries(change)) if (value === undefined) delete claims[name];
    const algorithm = options.algorithm ?? 'HS256';
    return jwt.sign(claims, options.secret ?? TEST_SECRET, { algorithm, header: { alg: algorithm, typ: options.typ ?? 'at+jwt' } });
  }

  it('accepts a token the server issued and returns its claims', async () => {
    const claims = await verify(issued.accessToken);
    expect(claims).toEqual(issuedClaims(issued));
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
  });

  it('refuses a refresh token', async () => {
    await expect(verify(issued.refreshToken)).rejects.toMatchObject({ code: 'ERR_JWS_INVALID' });
  });

  type Forgery = [change: Record<string, unknown>, options: Parameters<typeof forged>[1], refusal: { code: string; claim?: string }];
  it.each<[string, ...Forgery]>([
    ['another secret', {}, { secret: 'another-secret-that-is-at-least-32-bytes' }, { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' }],
    ['another algorithm with the same secret (HS512)', {}, { algorithm: 'HS512' }, { code: 'ERR_JOSE_ALG_NOT_ALLOWED' }],
    ['typ JWT instead of at+jwt', {}, { typ: 'JWT' }, { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'typ' }],
    ['another issuer', { iss: 'someone-else' }, {}, { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'iss' }],
    ['another audience', { aud: 'another-api' }, {}, { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' }],
    ['an exp in the past', { exp: Math.floor(Date.now() / 1000) - 1 }, {}, { code: 'ERR_JWT_EXPIRED', claim: 'exp' }],
    ['no sid claim', { sid: undefined }, {}, { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'sid' }],
  ])('refuses %s', async (_, change, options, refusal) => {
    await expect(verify(forged(change, options))).rejects.toMatchObject(refusal);
  });

  it('refuses alg none', async () => {
    const [, payload] = issued.accessToken.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');
    await expect(verify(`${header}.${payload}.`)).rejects.toMatchObject({ code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
  });

  it('refuses a role Gatehouse never issues', async () => {
    await expect(verify(forged({ role: 'ROOT' }))).rejects.toThrow(/wrong type/);
  });
});
