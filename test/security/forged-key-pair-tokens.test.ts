import { createHmac, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { databaseKinds } from '../support/databases';
import { ME, REGISTER } from '../support/documents';
import { expectRefusedAsInvalid, type HttpTestServer, payloadOf, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';
import { TEST_SECRET } from '../support/test-app';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

type Signer = (input: string) => string;
const hmac = (secret: string | Buffer): Signer => (input) => createHmac('sha256', secret).update(input).digest('base64url');
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const es256With = (key: KeyObject): Signer => (input) => sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
const rs256With = (key: KeyObject): Signer => (input) => sign('sha256', Buffer.from(input), key).toString('base64url');
const ownSigner = { ES256: es256With(ec.privateKey), RS256: rs256With(rsa.privateKey) };
const ownPublicJwk = { ES256: ec.publicKey.export({ format: 'jwk' }), RS256: rsa.publicKey.export({ format: 'jwk' }) };

function forge(header: Record<string, unknown>, claims: Record<string, unknown>, signer: Signer | undefined): string {
  const input = `${b64url(header)}.${b64url(claims)}`;
  return `${input}.${signer ? signer(input) : ''}`;
}

/**
 * Tokens made by someone who holds only what Gatehouse publishes (its JWKS) or JWT_SECRET, sent to a
 * server that signs with a key pair: each is refused with TOKEN_INVALID, and none fails the request whole.
 */
describe.each(databaseKinds())('forged access tokens against key-pair signing on %s', (kind) => {
  describe.each(['ES256', 'RS256'] as const)('JWT_ALGORITHM=%s', (algorithm) => {
    let server: HttpTestServer;
    let account: ReturnType<typeof newAccount>;
    let claims: Record<string, unknown>;
    let genuine: string;
    let header: Record<string, unknown>;
    let publishedPem: string;
    let publishedJwk: Record<string, unknown>;
    beforeAll(async () => {
      server = await startTestServer(kind, { env: { JWT_ALGORITHM: algorithm } });
      account = newAccount('forgekp');
      genuine = payloadOf(await server.graphql(REGISTER, { variables: { input: account } }), 'register').accessToken;
      header = decode(genuine.split('.')[0]!);
      claims = decode(genuine.split('.')[1]!);
      const jwks = (await (await fetch(`${server.origin}/.well-known/jwks.json`)).json()) as { keys: Record<string, unknown>[] };
      publishedJwk = jwks.keys.find((key) => key['kid'] === header['kid'])!;
      publishedPem = createPublicKey({ key: publishedJwk as never, format: 'jwk' }).export({ format: 'pem', type: 'spki' }) as string;
    });
    afterAll(() => server?.close());

    const kid = () => header['kid'] as string;
    const other = algorithm === 'ES256' ? 'RS256' : 'ES256';

    it('accepts the genuine token, whose header names its key', async () => {
      expect(header).toEqual({ alg: algorithm, typ: 'at+jwt', kid: expect.any(String) });
      expect(publishedJwk).toBeDefined();
      expect((await server.graphql(ME, { token: genuine })).body).toEqual({ data: { me: { id: claims['sub'], username: account.username } } });
    });

    it.each([
      ['alg none, no signature', () => forge({ alg: 'none', typ: 'at+jwt', kid: kid() }, claims, undefined)],
      ['alg none, the genuine signature kept', () => `${b64url({ alg: 'none', typ: 'at+jwt', kid: kid() })}.${genuine.split('.')[1]}.${genuine.split('.')[2]}`],
      ['HS256 with the published public key (PEM) as the secret', () => forge({ alg: 'HS256', typ: 'at+jwt', kid: kid() }, claims, hmac(publishedPem))],
      ['HS256 with the published public key (PEM) as the secret, no kid', () => forge({ alg: 'HS256', typ: 'at+jwt' }, claims, hmac(publishedPem))],
      ['HS256 with the published JWK as the secret', () => forge({ alg: 'HS256', typ: 'at+jwt', kid: kid() }, claims, hmac(JSON.stringify(publishedJwk)))],
      ['HS256 with JWT_SECRET, no kid (nothing was ever signed that way here)', () => forge({ alg: 'HS256', typ: 'at+jwt' }, claims, hmac(TEST_SECRET))],
      ['HS256 with JWT_SECRET and the real kid', () => forge({ alg: 'HS256', typ: 'at+jwt', kid: kid() }, claims, hmac(TEST_SECRET))],
      ['a key of its own under an unknown kid', () => forge({ alg: algorithm, typ: 'at+jwt', kid: 'attacker-key' }, claims, ownSigner[algorithm])],
      ['a key of its own under the real kid', () => forge({ alg: algorithm, typ: 'at+jwt', kid: kid() }, claims, ownSigner[algorithm])],
      ['its own key embedded as a jwk header', () => forge({ alg: algorithm, typ: 'at+jwt', kid: kid(), jwk: ownPublicJwk[algorithm] }, claims, ownSigner[algorithm])],
      ['its own key embedded as a jwk header, no kid', () => forge({ alg: algorithm, typ: 'at+jwt', jwk: ownPublicJwk[algorithm] }, claims, ownSigner[algorithm])],
      ['a jku naming a key set of its own', () => forge({ alg: algorithm, typ: 'at+jwt', jku: 'http://127.0.0.1:9/jwks.json' }, claims, ownSigner[algorithm])],
      ['an x5u naming a certificate of its own', () => forge({ alg: algorithm, typ: 'at+jwt', x5u: 'http://127.0.0.1:9/cert.pem' }, claims, ownSigner[algorithm])],
      ['an x5c carrying a certificate chain', () => forge({ alg: algorithm, typ: 'at+jwt', x5c: ['MIIB'] }, claims, ownSigner[algorithm])],
      ['the genuine token with a jku added to its header', () => `${b64url({ ...header, jku: 'http://127.0.0.1:9/jwks.json' })}.${genuine.split('.')[1]}.${genuine.split('.')[2]}`],
      ['another algorithm under the real kid', () => forge({ alg: other, typ: 'at+jwt', kid: kid() }, claims, ownSigner[other])],
      ['the genuine signature under another alg', () => `${b64url({ ...header, alg: algorithm === 'ES256' ? 'ES384' : 'PS256' })}.${genuine.split('.')[1]}.${genuine.split('.')[2]}`],
      ['the kid as a number', () => `${b64url({ ...header, kid: 1 })}.${genuine.split('.')[1]}.${genuine.split('.')[2]}`],
      ['role raised to ADMIN, genuine signature kept', () => `${genuine.split('.')[0]}.${b64url({ ...claims, role: 'ADMIN', scope: 'user admin' })}.${genuine.split('.')[2]}`],
      ['typ JWT, genuine signature kept', () => `${b64url({ ...header, typ: 'JWT' })}.${genuine.split('.')[1]}.${genuine.split('.')[2]}`],
      ['a signature with one character changed', () => `${genuine.slice(0, -2)}${genuine.at(-2) === 'A' ? 'B' : 'A'}${genuine.at(-1)}`],
    ])('refuses %s with TOKEN_INVALID, and public fields still run', async (_, make) => {
      await expectRefusedAsInvalid(server, make(), account);
    });
  });
});
