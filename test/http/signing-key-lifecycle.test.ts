import { asc } from 'drizzle-orm';
import { openDatabase } from '../../src/db/client';
import { type SigningKeyRow, signingKeys } from '../../src/db/schema';
import { databaseKinds } from '../support/databases';
import { ME, REFRESH, REGISTER } from '../support/documents';
import { type HttpTestServer, payloadOf, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';
import { headerOf } from '../support/admin-over-http';
import { createScratchDatabase } from '../support/postgres';
import { waitFor } from '../support/wait-for';

const onPostgres = databaseKinds().includes('postgres') ? describe : describe.skip;

/** Several instances on one PostgreSQL database, and one instance restarted with another JWT_ALGORITHM. */
onPostgres('the key set over the life of a deployment', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  const servers: HttpTestServer[] = [];
  beforeEach(async () => {
    scratch = await createScratchDatabase();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await scratch.drop();
  });
  const start = async (env: Record<string, string>) => {
    const server = await startTestServer(await openDatabase({ kind: 'postgres', url: scratch.url, maxConnections: 3 }), { env });
    servers.push(server);
    return server;
  };
  const keys = async (): Promise<SigningKeyRow[]> => {
    const handle = await openDatabase({ kind: 'postgres', url: scratch.url, maxConnections: 1 });
    try {
      return await handle.db.select().from(signingKeys).orderBy(asc(signingKeys.createdAt));
    } finally {
      await handle.close();
    }
  };
  /** A session on `server` whose every call is a refresh: a new access token, without the limits of `register`. */
  const sessionOn = async (server: HttpTestServer) => {
    let refreshToken = payloadOf(await server.graphql(REGISTER, { variables: { input: newAccount('keys') } }), 'register').refreshToken;
    return async (): Promise<string> => {
      const pair = payloadOf(await server.graphql(REFRESH, { variables: { refreshToken } }), 'refresh');
      refreshToken = pair.refreshToken;
      return pair.accessToken;
    };
  };
  const jwksOf = async (server: HttpTestServer) => (await (await fetch(`${server.origin}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };

  it('makes one key set when three instances start at once on an empty database', async () => {
    const started = await Promise.all([start({}), start({}), start({})]);
    const rows = await keys();
    expect(rows.map((r) => r.state).sort()).toEqual(['CURRENT', 'NEXT']);
    const published = await Promise.all(started.map(jwksOf));
    for (const jwks of published) expect(jwks.keys.map((k) => k.kid).sort()).toEqual(rows.map((r) => r.kid).sort());
  });

  it('rotates by itself once per SIGNING_KEY_ROTATION, however many instances run', async () => {
    const env = { SIGNING_KEY_ROTATION: '3s', JWKS_MAX_AGE: '1s' };
    const [a, b] = await Promise.all([start(env), start(env)]);
    await waitFor(async () => (await keys()).filter((r) => r.state === 'PREVIOUS').length >= 2, 'two automatic rotations', 20_000);
    const rows = await keys();
    const activations = rows.map((r) => r.activatedAt?.getTime()).filter((t): t is number => t !== undefined).sort((x, y) => x - y);
    expect(activations.length).toBeGreaterThanOrEqual(3);
    // A rotation carried out twice would activate two keys within moments of each other.
    for (let i = 1; i < activations.length; i += 1) expect(activations[i]! - activations[i - 1]!).toBeGreaterThanOrEqual(2_900);
    expect(rows.filter((r) => r.state === 'CURRENT')).toHaveLength(1);
    expect(rows.filter((r) => r.state === 'NEXT')).toHaveLength(1);
    // Both instances sign with the CURRENT key.
    const current = rows.find((r) => r.state === 'CURRENT')!.kid;
    const sessions = await Promise.all([a, b].map(sessionOn));
    await waitFor(async () => {
      const kids = await Promise.all(sessions.map(async (next) => headerOf(await next())['kid']));
      return kids.every((kid) => kid === current) || (await keys()).find((r) => r.state === 'CURRENT')!.kid !== current;
    }, 'both instances signing with the CURRENT key', 2_000);
  }, 40_000);

  it('logs nobody out when JWT_ALGORITHM changes: HS256, then ES256, then RS256', async () => {
    const env = { JWKS_MAX_AGE: '1s' };
    const hs = await start({ ...env, JWT_ALGORITHM: 'HS256' });
    const account = newAccount('switch');
    const hsToken = payloadOf(await hs.graphql(REGISTER, { variables: { input: account } }), 'register').accessToken;
    expect(headerOf(hsToken)).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    await servers.splice(0).pop()!.close();

    const es = await start({ ...env, JWT_ALGORITHM: 'ES256' });
    expect((await es.graphql(ME, { token: hsToken })).body.errors).toBeUndefined();
    // The ES256 key signs once it has been published JWKS_MAX_AGE; until then HS256 goes on.
    let esToken = '';
    const onEs = await sessionOn(es);
    await waitFor(async () => {
      esToken = await onEs();
      return headerOf(esToken)['alg'] === 'ES256';
    }, 'ES256 signing', 10_000);
    expect((await jwksOf(es)).keys.map((k) => k.kid)).toContain(headerOf(esToken)['kid']);
    expect((await es.graphql(ME, { token: hsToken })).body.errors).toBeUndefined();
    await servers.splice(0).pop()!.close();

    const rs = await start({ ...env, JWT_ALGORITHM: 'RS256' });
    for (const token of [hsToken, esToken]) expect((await rs.graphql(ME, { token })).body.errors).toBeUndefined();
    const onRs = await sessionOn(rs);
    await waitFor(async () => {
      const token = await onRs();
      return headerOf(token)['alg'] === 'RS256';
    }, 'RS256 signing', 10_000);
    for (const token of [hsToken, esToken]) expect((await rs.graphql(ME, { token })).body.errors).toBeUndefined();
    const published = (await jwksOf(rs)).keys.map((k) => k.kid);
    expect(published).toContain(headerOf(esToken)['kid']);
  }, 60_000);
});
