import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJwksSigningKeyProvider, useJWT } from '@graphql-yoga/plugin-jwt';
import { createSchema, createYoga } from 'graphql-yoga';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { openDatabase } from '../../src/db/client';
import { databaseKinds } from '../support/databases';
import { LOGIN, ME, REFRESH, REGISTER } from '../support/documents';
import { type HttpTestServer, payloadOf, postGraphQL, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';
import { adminOver, headerOf, REVOKE, ROTATE } from '../support/admin-over-http';
import { createScratchDatabase } from '../support/postgres';
import { waitFor } from '../support/wait-for';

const onPostgres = databaseKinds().includes('postgres') ? describe : describe.skip;
// Short, so that a rotation is allowed within seconds; the verifiers below cache the JWKS this long.
const JWKS_MAX_AGE_SECONDS = 1;

/** A small GraphQL Yoga server whose one field is guarded by @graphql-yoga/plugin-jwt, pointed at a JWKS URL. */
async function startYoga(jwksUri: string): Promise<{ url: string; close(): Promise<void> }> {
  const yoga = createYoga({
    schema: createSchema({
      typeDefs: 'type Query { subject: String }',
      resolvers: { Query: { subject: (_: unknown, __: unknown, context: { jwt?: { payload: { sub: string } } }) => context.jwt?.payload.sub ?? null } },
    }),
    plugins: [
      useJWT({
        signingKeyProviders: [createRemoteJwksSigningKeyProvider({ jwksUri, cache: true, cacheMaxAge: JWKS_MAX_AGE_SECONDS * 1000 })],
        tokenVerification: { algorithms: ['ES256'], issuer: 'gatehouse', audience: 'gatehouse' },
        extendContext: true,
      }),
    ],
    logging: false,
  });
  const server: Server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Two instances on one PostgreSQL database, as behind a load balancer, and verifiers outside that know only the JWKS URL. */
onPostgres('signing-key rotation and revocation across two instances', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let a: HttpTestServer;
  let b: HttpTestServer;
  beforeAll(async () => {
    scratch = await createScratchDatabase();
    const env = { JWKS_MAX_AGE: String(JWKS_MAX_AGE_SECONDS) };
    const open = () => openDatabase({ kind: 'postgres', url: scratch.url, maxConnections: 4 });
    [a, b] = await Promise.all([startTestServer(await open(), { env }), startTestServer(await open(), { env })]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await scratch?.drop();
  });

  /** A session on `server`, refreshed on demand: each refresh is a new access token from that instance. */
  async function session(server: HttpTestServer) {
    const account = newAccount('rot');
    let pair = payloadOf(await server.graphql(REGISTER, { variables: { input: account } }), 'register');
    return {
      token: () => pair.accessToken,
      async next(): Promise<string> {
        pair = payloadOf(await server.graphql(REFRESH, { variables: { refreshToken: pair.refreshToken } }), 'refresh');
        return pair.accessToken;
      },
    };
  }

  it('has jose and GraphQL Yoga accept every token issued on either instance while rotateSigningKey runs twice', async () => {
    const cache = { cacheMaxAge: JWKS_MAX_AGE_SECONDS * 1000, cooldownDuration: JWKS_MAX_AGE_SECONDS * 1000 };
    const joseA = createRemoteJWKSet(new URL(`${a.origin}/.well-known/jwks.json`), cache);
    const joseB = createRemoteJWKSet(new URL(`${b.origin}/.well-known/jwks.json`), cache);
    const yoga = await startYoga(`${b.origin}/.well-known/jwks.json`);
    try {
      const admin = await adminOver(a);
      const sessions = [await session(a), await session(b)];
      const refused: string[] = [];
      const kids = new Set<string>();
      let rotations = 0;
      let checked = 0;
      const verify = async (token: string) => {
        kids.add(headerOf(token)['kid'] as string);
        for (const jwks of [joseA, joseB]) {
          await jwtVerify(token, jwks, { algorithms: ['ES256'], issuer: 'gatehouse', audience: 'gatehouse', typ: 'at+jwt' }).catch((error: Error) => refused.push(`jose: ${error.message}`));
        }
        const answer = await postGraphQL(yoga.url, '{ subject }', { token });
        if (answer.status !== 200 || typeof answer.body.data?.['subject'] !== 'string') refused.push(`yoga: ${JSON.stringify(answer.body)}`);
        checked += 1;
      };
      // Tokens flow from both instances the whole time; an ADMIN rotates as soon as each rotation is allowed.
      let rotating = true;
      const issuing = Promise.all(
        sessions.map(async (s) => {
          while (rotating) await verify(await s.next());
        }),
      );
      try {
        while (rotations < 2) {
          const result = await a.graphql(ROTATE, { token: admin.accessToken });
          if (result.body.errors === undefined) rotations += 1;
          else {
            expect(result.body.errors[0]?.extensions?.['code']).toBe('CONFLICT');
            const readyAt = Date.now() + (result.body.errors[0]?.extensions?.['retryAfter'] as number) * 1000;
            await waitFor(() => Date.now() >= readyAt, 'the NEXT key to be published long enough');
          }
        }
        const seen = kids.size;
        // Go on until tokens signed by the last key have come from both instances.
        await waitFor(() => kids.size === seen && checked > 40, 'tokens after the last rotation');
        const last = checked;
        await waitFor(() => checked >= last + 20, 'more tokens after the last rotation', 15_000);
      } finally {
        rotating = false;
        await issuing;
      }
      expect(refused).toEqual([]);
      expect(kids.size).toBe(3);
      for (const s of sessions) expect((await a.graphql(ME, { token: s.token() })).body.errors).toBeUndefined();
    } finally {
      await yoga.close();
    }
  }, 60_000);

  it('refuses on instance B, within a second, the tokens of a CURRENT key revoked on instance A; a refresh then gives the new kid', async () => {
    const admin = await adminOver(a);
    const account = newAccount('leak');
    const registered = payloadOf(await b.graphql(REGISTER, { variables: { input: account } }), 'register');
    const leakedKid = headerOf(registered.accessToken)['kid'] as string;
    expect((await b.graphql(ME, { token: registered.accessToken })).body.errors).toBeUndefined();

    const revoked = await a.graphql(REVOKE, { token: admin.accessToken, variables: { kid: leakedKid } });
    const revokedAt = Date.now();
    expect(revoked.body.errors).toBeUndefined();
    const keys = revoked.body.data?.['revokeSigningKey'] as { kid: string; state: string }[];
    expect(keys.map((k) => k.kid)).not.toContain(leakedKid);
    expect(keys.filter((k) => k.state === 'CURRENT')).toHaveLength(1);

    await waitFor(async () => (await b.graphql(ME, { token: registered.accessToken })).body.errors !== undefined, 'the token refused on B', 1000);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
    const refusal = (await b.graphql(ME, { token: registered.accessToken })).body.errors?.[0]?.extensions;
    expect(refusal).toEqual({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
    const jwks = (await (await fetch(`${b.origin}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).not.toContain(leakedKid);

    const refreshed = payloadOf(await b.graphql(REFRESH, { variables: { refreshToken: registered.refreshToken } }), 'refresh');
    expect(headerOf(refreshed.accessToken)['kid']).toBe(keys.find((k) => k.state === 'CURRENT')!.kid);
    expect((await b.graphql(ME, { token: refreshed.accessToken })).body.errors).toBeUndefined();
    const login = payloadOf(await a.graphql(LOGIN, { variables: { input: { username: account.username, password: account.password } } }), 'login');
    expect(headerOf(login.accessToken)['kid']).not.toBe(leakedKid);
  });
});
