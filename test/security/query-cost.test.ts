import { databaseKinds } from '../support/databases';
import { type HttpResult, ME, REGISTER } from '../support/documents';
import { type HttpTestServer, payloadOf, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';

const repeat = (n: number, piece: (i: number) => string) => Array.from({ length: n }, (_, i) => piece(i)).join(' ');
const PAGE = 'edges { cursor node { id username email role disabled createdAt } } pageInfo { hasNextPage endCursor } totalCount';
const SESSION_FIELDS = 'id createdAt lastUsedAt expiresAt userAgent ip current';

/** What a refused request got: status, whether anything ran, and its errors' codes and messages. */
function refusal(result: HttpResult) {
  return {
    status: result.status,
    data: result.body.data,
    errors: result.body.errors?.map((e) => ({ code: e.extensions?.['code'], message: e.message })),
  };
}

function expectRefusedForCost(result: HttpResult, limit: number): void {
  expect(refusal(result)).toEqual({
    status: 400,
    data: undefined,
    errors: [{ code: 'GRAPHQL_VALIDATION_FAILED', message: expect.stringMatching(new RegExp(`Cost limit of ${limit} exceeded, found \\d`)) }],
  });
}

function expectNotRefused(result: HttpResult): void {
  expect(result.status).toBe(200);
  expect(result.body.errors?.filter((e) => e.extensions?.['code'] === 'GRAPHQL_VALIDATION_FAILED') ?? []).toEqual([]);
}

/** The cost limit counts list sizes however a request gives them, and `sessions` by MAX_SESSIONS. */
describe.each(databaseKinds())('the cost of a request, with the default limits, on %s', (kind) => {
  let server: HttpTestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer(kind);
    token = payloadOf(await server.graphql(REGISTER, { variables: { input: newAccount('cost') } }), 'register').accessToken;
  });
  afterAll(() => server.close());

  /** 15 aliases of a page of users; `first` a literal, or `$n` declared as `declaration`. */
  const pages = (first: string, declaration = '') => `query${declaration} { ${repeat(15, (i) => `a${i}: users(first: ${first}) { ${PAGE} }`)} }`;

  it('refuses 15 aliases of users(first: $n) with n = 100 whole, exactly as it refuses them with first: 100, and lets n = 5 through', async () => {
    const literal = await server.graphql(pages('100'), { token });
    const throughVariable = await server.graphql(pages('$n', '($n: Int)'), { token, variables: { n: 100 } });
    expectRefusedForCost(literal, 10_000);
    expect(refusal(throughVariable)).toEqual(refusal(literal));
    // Within the bound, the same request goes through.
    expectNotRefused(await server.graphql(pages('$n', '($n: Int)'), { token, variables: { n: 5 } }));
  });

  it("counts a variable's default and the argument's own default (users: first = 20) as given values", async () => {
    const variableDefault = await server.graphql(pages('$n', '($n: Int = 100)'), { token });
    expect(refusal(variableDefault)).toEqual(refusal(await server.graphql(pages('100'), { token })));
    const argumentDefault = await server.graphql(`{ ${repeat(15, (i) => `a${i}: users { ${PAGE} }`)} }`, { token });
    expect(refusal(argumentDefault)).toEqual(refusal(await server.graphql(`{ ${repeat(15, (i) => `a${i}: users(first: 20) { ${PAGE} }`)} }`, { token })));
    expectRefusedForCost(argumentDefault, 10_000);
  });

  it('counts each `sessions` as MAX_SESSIONS (50) sessions: 15 aliases of me { sessions } are refused, 10 pass', async () => {
    const mine = (n: number) => `{ ${repeat(n, (i) => `a${i}: me { sessions { ${SESSION_FIELDS} } }`)} }`;
    expectRefusedForCost(await server.graphql(mine(15), { token }), 10_000);
    expectNotRefused(await server.graphql(mine(10), { token }));
    expect((await server.graphql(ME, { token })).body.errors).toBeUndefined();
  });

  it('counts auditEvents by its first, the default 20 included: 10 users with 100 events each (or the default 20) are refused, with 2 each they pass', async () => {
    const events = (first: string) => `{ users(first: 10) { edges { node { id auditEvents${first} { edges { node { id action at ip userAgent } } } } } } }`;
    expectRefusedForCost(await server.graphql(events('(first: 100)'), { token }), 10_000);
    expectRefusedForCost(await server.graphql(events(''), { token }), 10_000);
    // A USER's token: the users page is denied, but only after the cost let it through.
    expectNotRefused(await server.graphql(events('(first: 2)'), { token }));
  });
});

describe.each(databaseKinds())('the cost of `sessions` with MAX_SESSIONS=4 and GRAPHQL_MAX_COST=23 on %s', (kind) => {
  let server: HttpTestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer(kind, { env: { MAX_SESSIONS: '4', GRAPHQL_MAX_COST: '23' } });
    token = payloadOf(await server.graphql(REGISTER, { variables: { input: newAccount('costs') } }), 'register').accessToken;
  });
  afterAll(() => server.close());

  it('multiplies a session by 4: me { sessions { id } } costs 2 + 1.5 × 4 × 3.5 = 23, one field more costs 32', async () => {
    expectNotRefused(await server.graphql('{ me { sessions { id } } }', { token }));
    const refused = await server.graphql('{ me { sessions { id createdAt } } }', { token });
    expectRefusedForCost(refused, 23);
    expect(refused.body.errors?.[0]?.message).toMatch(/found 32\b/);
  });
});
