import { databaseKinds } from '../support/databases';
import { type HttpTestServer, startTestServer } from '../support/http-server';

/** Probes with typos: each would get a suggestion naming a real field, input field or enum value. */
const PROBES: readonly [string, string, Record<string, unknown> | undefined][] = [
  ['a field', '{ mee { id } }', undefined],
  ['an input field', 'mutation { login(input: { usernme: "x", password: "y" }) { accessToken } }', undefined],
  ['an input field in the variables', 'mutation($i: LoginInput!) { login(input: $i) { accessToken } }', { i: { usernme: 'x', password: 'y' } }],
  ['an enum value', 'mutation { setUserRole(userId: "x", role: ADMN) { id } }', undefined],
  ['an enum value in the variables', 'mutation($r: Role!) { setUserRole(userId: "x", role: $r) { id } }', { r: 'ADMN' }],
];

/** What a production server tells a stranger probing it: errors, but no map of the schema and no internals. */
describe.each(databaseKinds())('in production, on %s', (kind) => {
  let server: HttpTestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { production: true });
  });
  afterAll(() => server.close());

  it.each(PROBES)('suggests nothing for a misspelt %s, and carries no stacktrace', async (_, query, variables) => {
    const result = await server.graphql(query, { variables });
    expect(result.status).toBe(400);
    expect(result.body.errors?.length).toBeGreaterThan(0);
    for (const error of result.body.errors ?? []) {
      expect(error.message).not.toMatch(/did you mean|suggestion/i);
      expect(error.message).not.toMatch(/"(me|ADMIN)"/);
      expect(Object.keys(error.extensions ?? {})).toEqual(['code']);
    }
  });

  it.each(['{ __schema { types { name } } }', '{ __type(name: "User") { fields { name } } }'])('refuses introspection: %s', async (query) => {
    const result = await server.graphql(query);
    expect(result.status).toBe(400);
    expect(result.body.data).toBeUndefined();
    expect(result.body.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('carries no stacktrace on parse errors, limit errors or RATE_LIMITED either', async () => {
    const answers = [
      await server.graphql('{ me { id '),
      await server.graphql(`{ ${Array.from({ length: 16 }, (_, i) => `a${i}: me { id }`).join(' ')} }`),
      await server.graphql('mutation { a: login(input: {username: "x", password: "y"}) { accessToken } b: login(input: {username: "x", password: "y"}) { accessToken } }'),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      for (const error of answer.body.errors ?? []) expect(Object.keys(error.extensions ?? {})).toEqual(['code']);
    }
    const guess = () => server.graphql('mutation { login(input: {username: "nobody_at_all", password: "a-wrong-password"}) { accessToken } }');
    for (let i = 0; i < 5; i++) await guess();
    const limited = await guess();
    expect(limited.body.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
  });
});

describe.each(databaseKinds())('in production with GRAPHQL_INTROSPECTION=true, on %s', (kind) => {
  let server: HttpTestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { production: true, env: { GRAPHQL_INTROSPECTION: 'true' } });
  });
  afterAll(() => server.close());

  it('answers introspection', async () => {
    const result = await server.graphql('{ __type(name: "Role") { enumValues { name } } }');
    expect(result.body).toEqual({ data: { __type: { enumValues: [{ name: 'USER' }, { name: 'ADMIN' }] } } });
  });
});

describe('outside production', () => {
  let server: HttpTestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite');
  });
  afterAll(() => server.close());

  // The counterpart of the tests above: the same probes do get suggestions here, so those tests can fail.
  it.each(PROBES)('suggests what a misspelt %s meant', async (_, query, variables) => {
    const result = await server.graphql(query, { variables });
    expect(result.body.errors?.some((error) => /Did you mean/.test(error.message))).toBe(true);
  });
});
