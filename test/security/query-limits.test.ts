import { getIntrospectionQuery } from 'graphql';
import { databaseKinds } from '../support/databases';
import { type HttpResult, ME, REGISTER } from '../support/documents';
import { type HttpTestServer, payloadOf, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';

const repeat = (n: number, piece: (i: number) => string) => Array.from({ length: n }, (_, i) => piece(i)).join(' ');
const codeOf = (result: HttpResult) => result.body.errors?.[0]?.extensions?.['code'];

const USER_FIELDS = 'id username email role disabled createdAt sessions { id createdAt lastUsedAt expiresAt userAgent ip current }';
const FULL_PAGE = (alias: string, first = 100, fields = USER_FIELDS) => `${alias}: users(first: ${first}) { edges { cursor node { ${fields} } } pageInfo { hasNextPage endCursor } totalCount }`;

/** Deep, wide, aliased and costly queries: refused whole, with 400, before any resolver runs. */
describe.each(databaseKinds())('query limits (defaults) on %s', (kind) => {
  let server: HttpTestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer(kind);
    token = payloadOf(await server.graphql(REGISTER, { variables: { input: newAccount('limits') } }), 'register').accessToken;
  });
  afterAll(() => server.close());

  /** Proof that nothing ran: logoutAll inside a refused request would have revoked the token. */
  async function expectTokenStillWorks(): Promise<void> {
    expect((await server.graphql(ME, { token })).body.errors).toBeUndefined();
  }

  it.each([
    ['README: me with sessions', '{ me { id username email role createdAt sessions { id current userAgent } } }'],
    ['an admin page of 100 users with every field but sessions', `{ ${FULL_PAGE('page', 100, USER_FIELDS.replace(/ sessions .*/, ''))} }`],
    // Each user's `sessions` counts as MAX_SESSIONS (50) sessions: 4 users with every session cost about 8 600.
    ['an admin page of 4 users with every field and every session', `{ ${FULL_PAGE('page', 4)} }`],
    ['login with its whole payload', 'mutation { login(input: { username: "nobody_here", password: "a-password" }) { accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt user { id sessions { id } } } }'],
    ['15 aliases', `{ ${repeat(15, (i) => `a${i}: me { id }`)} }`],
    ['10 directives', `{ me { ${repeat(10, (i) => `f${i}: id @include(if: true)`)} } }`],
    ['the standard introspection query (Apollo Sandbox)', getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, inputValueDeprecation: true })],
  ])('lets through %s', async (_, query) => {
    const result = await server.graphql(query, { token });
    expect(result.status).toBe(200);
    expect(result.body.errors?.map((e) => e.extensions?.['code']).filter((c) => c === 'GRAPHQL_VALIDATION_FAILED' || c === 'GRAPHQL_PARSE_FAILED') ?? []).toEqual([]);
  });

  it.each([
    ['deeper than 7', '{ __type(name: "User") { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } }', 'GRAPHQL_VALIDATION_FAILED', /depth limit of 7/],
    ['costlier than 10 000 (two full pages of 100 users)', `{ ${FULL_PAGE('a')} ${FULL_PAGE('b')} }`, 'GRAPHQL_VALIDATION_FAILED', /Cost limit of 10000/],
    // Mutations: had any of these run at all, logoutAll would have revoked the token.
    ['with 16 aliases', `mutation { ${repeat(16, (i) => `a${i}: logoutAll`)} }`, 'GRAPHQL_VALIDATION_FAILED', /Aliases limit of 15/],
    ['with 11 directives', `mutation { ${repeat(11, (i) => `a${i}: logoutAll @include(if: true)`)} }`, 'GRAPHQL_VALIDATION_FAILED', /Directives limit of 10/],
    ['wider than 1000 tokens', `mutation { logoutAll ${repeat(1000, () => '__typename')} }`, 'GRAPHQL_PARSE_FAILED', /more that 1000 tokens/],
  ])('refuses a request %s whole, with 400, running nothing', async (_, query, code, message) => {
    const result = await server.graphql(query, { token });
    expect(result.status).toBe(400);
    expect(result.body.data).toBeUndefined();
    expect(codeOf(result)).toBe(code);
    expect(result.body.errors?.some((e) => message.test(e.message))).toBe(true);
    await expectTokenStillWorks();
  });
});

describe.each(databaseKinds())('query limits set through the environment on %s', (kind) => {
  let server: HttpTestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer(kind, {
      // Tokens: room for the register below (27). Every query in the table is within every other bound
      // (MAX_SESSIONS=1: `sessions` costs one session).
      env: { GRAPHQL_MAX_DEPTH: '3', GRAPHQL_MAX_ALIASES: '1', GRAPHQL_MAX_DIRECTIVES: '1', GRAPHQL_MAX_TOKENS: '30', GRAPHQL_MAX_COST: '20', MAX_SESSIONS: '1' },
    });
    token = payloadOf(await server.graphql(REGISTER, { variables: { input: newAccount('envlim') } }), 'register').accessToken;
  });
  afterAll(() => server.close());

  const PAGE = '{ users(first: 1, after: "a") { totalCount }';
  it.each([
    ['GRAPHQL_MAX_DEPTH', '{ me { sessions { id } } }', '{ users { edges { node { id } } } }', /depth limit of 3 exceeded, found 4/],
    ['GRAPHQL_MAX_ALIASES', '{ a: me { id } }', '{ a: me { id } b: me { id } }', /Aliases limit of 1 exceeded, found 2/],
    ['GRAPHQL_MAX_DIRECTIVES', '{ me { id @include(if: true) } }', '{ me { id @include(if: true) username @include(if: true) } }', /Directives limit of 1 exceeded, found 2/],
    // 14 tokens and cost 3.5, then one token and one cost point per __typename.
    ['GRAPHQL_MAX_TOKENS', `${PAGE} ${repeat(16, () => '__typename')} }`, `${PAGE} ${repeat(17, () => '__typename')} }`, /more that 30 tokens/],
    // The cost multiplies by `first`: 3.5 a user here.
    ['GRAPHQL_MAX_COST', '{ users(first: 5) { totalCount } }', '{ users(first: 6) { totalCount } }', /Cost limit of 20 exceeded, found 21/],
  ])('%s: lets the query at the bound through, refuses one past it', async (_, allowed, refused, message) => {
    const passing = await server.graphql(allowed, { token });
    expect(passing.status).toBe(200);
    expect(passing.body.errors?.filter((e) => e.extensions?.['code'] !== 'FORBIDDEN') ?? []).toEqual([]);
    const result = await server.graphql(refused, { token });
    expect(result.status).toBe(400);
    expect(result.body.data).toBeUndefined();
    expect(result.body.errors?.map((e) => e.message)).toEqual([expect.stringMatching(message)]);
  });
});
