import { createRemoteJWKSet, jwtVerify } from 'jose';
import { databaseKinds } from '../support/databases';
import { ME, REGISTER } from '../support/documents';
import { type HttpTestServer, payloadOf, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';
import { adminOver, headerOf, type KeyView, ROTATE, SIGNING_KEYS } from '../support/admin-over-http';

const ALGORITHMS = ['ES256', 'RS256'] as const;

/** The JWKS as a verifier sees it, and access tokens checked by jose, a library no one here wrote. */
describe.each(databaseKinds())('the JWKS on %s', (kind) => {
  describe.each(ALGORITHMS)('with JWT_ALGORITHM=%s', (algorithm) => {
    let server: HttpTestServer;
    beforeAll(async () => {
      server = await startTestServer(kind, { env: { JWT_ALGORITHM: algorithm, JWKS_MAX_AGE: '90s' } });
    });
    afterAll(() => server?.close());

    it('publishes the CURRENT and NEXT public keys, with kid, alg and use, cacheable for JWKS_MAX_AGE', async () => {
      const response = await fetch(`${server.origin}/.well-known/jwks.json`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=90');
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const { keys } = (await response.json()) as { keys: Record<string, unknown>[] };
      expect(keys).toHaveLength(2);
      const publicMembers = algorithm === 'ES256' ? ['crv', 'kty', 'x', 'y'] : ['e', 'kty', 'n'];
      for (const key of keys) {
        expect(Object.keys(key).sort()).toEqual([...publicMembers, 'alg', 'kid', 'use'].sort());
        expect(key).toMatchObject({ alg: algorithm, use: 'sig', kty: algorithm === 'ES256' ? 'EC' : 'RSA' });
      }
      const admin = await adminOver(server);
      const listed = (await server.graphql(SIGNING_KEYS, { token: admin.accessToken })).body.data?.['signingKeys'] as KeyView[];
      expect(listed.map((k) => k.kid).sort()).toEqual(keys.map((k) => k['kid']).sort());
      expect(listed.map((k) => k.state).sort()).toEqual(['CURRENT', 'NEXT']);
    });

    it('signs tokens that jose verifies through the JWKS URL, algorithm, iss, aud and typ pinned', async () => {
      const account = newAccount('jose');
      const { accessToken } = payloadOf(await server.graphql(REGISTER, { variables: { input: account } }), 'register');
      const jwks = createRemoteJWKSet(new URL(`${server.origin}/.well-known/jwks.json`));
      const { payload, protectedHeader } = await jwtVerify(accessToken, jwks, { algorithms: [algorithm], issuer: 'gatehouse', audience: 'gatehouse', typ: 'at+jwt' });
      expect(protectedHeader).toEqual({ alg: algorithm, typ: 'at+jwt', kid: expect.any(String) });
      expect(payload).toMatchObject({ scope: 'user', role: 'USER', amr: ['pwd'], auth_time: expect.any(Number) });
      expect(payload['auth_time']).toBeLessThanOrEqual(payload.iat!);
      await expect(jwtVerify(accessToken, jwks, { algorithms: [algorithm], issuer: 'gatehouse', audience: 'another-service' })).rejects.toThrow();
    });

    it('gives an ADMIN the scope "user admin"', async () => {
      const admin = await adminOver(server);
      const jwks = createRemoteJWKSet(new URL(`${server.origin}/.well-known/jwks.json`));
      const { payload } = await jwtVerify(admin.accessToken, jwks, { algorithms: [algorithm] });
      expect(payload['scope']).toBe('user admin');
    });

    it('refuses a rotation before the NEXT key has been published JWKS_MAX_AGE, with CONFLICT and retryAfter', async () => {
      const admin = await adminOver(server);
      const result = await server.graphql(ROTATE, { token: admin.accessToken });
      expect(result.body.data).toBeNull();
      const error = result.body.errors?.[0];
      expect(error?.extensions?.['code']).toBe('CONFLICT');
      expect(error?.extensions?.['retryAfter']).toEqual(expect.any(Number));
      expect(error?.extensions?.['retryAfter']).toBeGreaterThan(60);
      expect(error?.extensions?.['retryAfter']).toBeLessThanOrEqual(92);
    });

    it('keeps rotateSigningKey for ADMINs: a USER gets FORBIDDEN', async () => {
      const account = newAccount('notadmin');
      const { accessToken } = payloadOf(await server.graphql(REGISTER, { variables: { input: account } }), 'register');
      const result = await server.graphql(ROTATE, { token: accessToken });
      expect(result.body.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN' });
      expect(headerOf(accessToken)['kid']).toEqual(expect.any(String));
      expect((await server.graphql(ME, { token: accessToken })).body.errors).toBeUndefined();
    });
  });

  describe('with JWT_ALGORITHM=HS256', () => {
    let server: HttpTestServer;
    beforeAll(async () => {
      server = await startTestServer(kind, { env: { JWT_ALGORITHM: 'HS256' } });
    });
    afterAll(() => server?.close());

    it('publishes nothing: the JWKS is an empty set, and tokens carry no kid', async () => {
      const response = await fetch(`${server.origin}/.well-known/jwks.json`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ keys: [] });
      const { accessToken } = payloadOf(await server.graphql(REGISTER, { variables: { input: newAccount('hs') } }), 'register');
      expect(headerOf(accessToken)).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    });

    it('refuses rotateSigningKey with CONFLICT: there is one key, JWT_SECRET', async () => {
      const admin = await adminOver(server);
      const result = await server.graphql(ROTATE, { token: admin.accessToken });
      expect(result.body.errors?.[0]?.extensions).toEqual({ code: 'CONFLICT' });
      const listed = (await server.graphql(SIGNING_KEYS, { token: admin.accessToken })).body.data?.['signingKeys'];
      expect(listed).toEqual([expect.objectContaining({ algorithm: 'HS256', state: 'CURRENT' })]);
    });
  });
});
