import { type HttpTestServer, parseLogLines, startTestServer } from '../support/http-server';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// The request id is the HTTP layer's: one database kind is enough.
describe('X-Request-Id', () => {
  let server: HttpTestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite');
  });
  afterAll(() => server.close());

  /** POSTs `body` with `headers`; the response's X-Request-Id and the log lines written meanwhile. */
  async function post(headers: Record<string, string>, body = JSON.stringify({ query: 'query Typename { __typename }' })) {
    const from = server.logLines.length;
    const response = await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    await response.text();
    return { id: response.headers.get('x-request-id'), lines: parseLogLines(server.logLines.slice(from)) };
  }

  it('echoes the id a client sent, and puts it in the request’s log line', async () => {
    const { id, lines } = await post({ 'x-request-id': 'req-7f3a:2026/11.23+abc=' });
    expect(id).toBe('req-7f3a:2026/11.23+abc=');
    expect(lines).toEqual([expect.objectContaining({ msg: 'graphql request', operation: 'Typename', requestId: id })]);
  });

  it('makes one up (a UUID) when the client sent none', async () => {
    const { id, lines } = await post({});
    expect(id).toMatch(UUID);
    expect(lines).toEqual([expect.objectContaining({ msg: 'graphql request', requestId: id })]);
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['with a space', 'two words'],
    ['with a quote', 'id"or'],
  ])('replaces an id %s with its own', async (_, given) => {
    const { id, lines } = await post({ 'x-request-id': given });
    expect(id).toMatch(UUID);
    expect(lines[0]?.['requestId']).toBe(id);
  });

  it('carries the id on a request refused before GraphQL (413) and on /health', async () => {
    const tooBig = JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(110_000) } });
    const { id, lines } = await post({ 'x-request-id': 'big-one' }, tooBig);
    expect(id).toBe('big-one');
    expect(lines).toEqual([expect.objectContaining({ msg: 'http request refused', status: 413, requestId: 'big-one' })]);

    const health = await fetch(`${server.origin}/health`, { headers: { 'x-request-id': 'probe-1' } });
    expect(health.headers.get('x-request-id')).toBe('probe-1');
  });
});
