import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { databaseKinds } from '../support/databases';
import { ME, REGISTER } from '../support/documents';
import { expectRefusedAsInvalid, type HttpTestServer, payloadOf, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';
import { TEST_SECRET } from '../support/test-app';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

type Signer = (input: string) => string;
const hmac = (algorithm: 'sha256' | 'sha384' | 'sha512', secret: string): Signer => (input) => createHmac(algorithm, secret).update(input).digest('base64url');
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rs256: Signer = (input) => sign('sha256', Buffer.from(input), privateKey).toString('base64url');

/** A JWT put together by hand: any header, any claims, any signature. */
function forge(header: Record<string, unknown>, claims: Record<string, unknown>, signer: Signer | undefined): string {
  const input = `${b64url(header)}.${b64url(claims)}`;
  return `${input}.${signer ? signer(input) : ''}`;
}

/**
 * Tokens made by someone who does not hold JWT_SECRET, sent to a running server: each is refused
 * with TOKEN_INVALID on a guarded field, and none fails the request as a whole.
 */
describe.each(databaseKinds())('forged access tokens over HTTP on %s', (kind) => {
  let server: HttpTestServer;
  let account: ReturnType<typeof newAccount>;
  let claims: Record<string, unknown>;
  let genuine: string;
  beforeAll(async () => {
    server = await startTestServer(kind, { env: { JWT_ALGORITHM: 'HS256' } });
    account = newAccount('forge');
    genuine = payloadOf(await server.graphql(REGISTER, { variables: { input: account } }), 'register').accessToken;
    claims = decode(genuine.split('.')[1]!);
  });
  afterAll(() => server.close());

  const HS256 = { alg: 'HS256', typ: 'at+jwt' };
  const without = (claim: string) => Object.fromEntries(Object.entries(claims).filter(([name]) => name !== claim));
  const right = hmac('sha256', TEST_SECRET);

  it('accepts the genuine token, and one rebuilt by hand with the secret (so the forging below is sound)', async () => {
    for (const token of [genuine, forge(HS256, claims, right)]) {
      expect((await server.graphql(ME, { token })).body).toEqual({ data: { me: { id: claims['sub'], username: account.username } } });
    }
  });

  it.each([
    ['alg none, no signature', () => forge({ alg: 'none', typ: 'at+jwt' }, claims, undefined)],
    ['alg none, with the genuine signature', () => `${b64url({ alg: 'none', typ: 'at+jwt' })}.${genuine.split('.')[1]}.${genuine.split('.')[2]}`],
    ['alg NONE', () => forge({ alg: 'NONE', typ: 'at+jwt' }, claims, undefined)],
    ['HS512 with the right secret', () => forge({ alg: 'HS512', typ: 'at+jwt' }, claims, hmac('sha512', TEST_SECRET))],
    ['HS384 with the right secret', () => forge({ alg: 'HS384', typ: 'at+jwt' }, claims, hmac('sha384', TEST_SECRET))],
    ['RS256 with a key of its own', () => forge({ alg: 'RS256', typ: 'at+jwt' }, claims, rs256)],
    ['HS256 with another secret', () => forge(HS256, claims, hmac('sha256', `${TEST_SECRET}-not`))],
    ['HS256 with an empty secret', () => forge(HS256, claims, hmac('sha256', ''))],
    ['no typ', () => forge({ alg: 'HS256' }, claims, right)],
    ['typ JWT', () => forge({ alg: 'HS256', typ: 'JWT' }, claims, right)],
    ['no exp', () => forge(HS256, without('exp'), right)],
    ['no iss', () => forge(HS256, without('iss'), right)],
    ['no aud', () => forge(HS256, without('aud'), right)],
    ['no sub', () => forge(HS256, without('sub'), right)],
    ['no sid', () => forge(HS256, without('sid'), right)],
    ['another iss', () => forge(HS256, { ...claims, iss: 'someone-else' }, right)],
    ['another aud', () => forge(HS256, { ...claims, aud: 'another-service' }, right)],
    ['role raised to ADMIN, genuine signature kept', () => `${genuine.split('.')[0]}.${b64url({ ...claims, role: 'ADMIN' })}.${genuine.split('.')[2]}`],
    ['a signature with one character changed', () => `${genuine.slice(0, -2)}${genuine.at(-2) === 'A' ? 'B' : 'A'}${genuine.at(-1)}`],
    ['not a JWT at all', () => 'not.a.jwt'],
  ])('refuses %s with TOKEN_INVALID, and public fields still run', async (_, make) => {
    await expectRefusedAsInvalid(server, make(), account);
  });

  // Minted with the key itself (as with a leaked key): claims outside their types and ranges must
  // not buy a token that lives for ever or outlives the user's cut-offs.
  it.each([
    ['exp as a float', () => ({ exp: (claims['exp'] as number) + 0.5 })],
    ['exp of 1e300', () => ({ exp: 1e300 })],
    ['exp as a string', () => ({ exp: String(claims['exp']) })],
    ['exp beyond iat plus the lifetime and the leeway', () => ({ exp: (claims['iat'] as number) + 15 * 60 + 3600 })],
    ['iat as a float', () => ({ iat: (claims['iat'] as number) + 0.5 })],
    ['iat ten minutes in the future', () => ({ iat: (claims['iat'] as number) + 600, exp: (claims['iat'] as number) + 600 + 900 })],
    ['ver of 1e9', () => ({ ver: 1e9 })],
    ['ver as a float', () => ({ ver: 0.5 })],
    ['ver below zero', () => ({ ver: -1 })],
    ['aud as an array holding the audience', () => ({ aud: [claims['aud'], 'another-service'] })],
  ])('refuses a token signed with the key whose %s, with TOKEN_INVALID', async (_, change) => {
    const me = await server.graphql(ME, { token: forge(HS256, { ...claims, ...change() }, right) });
    expect(me.body).toMatchObject({ data: { me: null }, errors: [{ path: ['me'], extensions: { code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' } }] });
  });

  it('accepts iat within the minute of leeway (clocks of instances differ a little)', async () => {
    const iat = (claims['iat'] as number) + 30;
    const me = await server.graphql(ME, { token: forge(HS256, { ...claims, iat, exp: iat + 900 }, right) });
    expect(me.body).toEqual({ data: { me: { id: claims['sub'], username: account.username } } });
  });

  it('refuses a genuine-looking token that expired, with TOKEN_EXPIRED', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const token = forge(HS256, { ...claims, iat: past - 900, exp: past }, right);
    expect((await server.graphql(ME, { token })).body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' });
  });
});
