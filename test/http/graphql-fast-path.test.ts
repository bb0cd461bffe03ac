import { parseLogLines, startTestServer, type HttpTestServer } from '../support/http-server';

/**
 * Plain JSON POSTs to /graphql are answered without Express, every other request by Express.
 * The same body sent both ways (the quoted charset sends it through Express) must get the same
 * answer: status, body, headers, and log line.
 */
describe('the GraphQL fast path answers as the Express route does', () => {
  let server: HttpTestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite', { production: true });
  });
  afterAll(async () => {
    await server?.close();
  });

  const FAST = 'application/json';
  const EXPRESS = 'application/json; charset="utf-8"';

  async function send(type: string, body: string, requestId: string) {
    const from = server.logLines.length;
    const response = await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': type, 'x-request-id': requestId }, body });
    const headers = Object.fromEntries(['content-type', 'cache-control', 'x-content-type-options', 'x-request-id'].map((name) => [name, response.headers.get(name)]));
    const logged = parseLogLines(server.logLines.slice(from)).map(({ msg, status, outcome, requestId: id }) => ({ msg, status, outcome, id }));
    return { status: response.status, body: await response.text(), headers, logged };
  }

  it.each([
    ['a query', '{"query":"{ __typename }"}', 1],
    ['a query after a byte-order mark', '\ufeff{"query":"{ __typename }"}', 1],
    ['a body that is not JSON', '{"query": ', 1],
    ['a JSON string', '"{ __typename }"', 1],
    ['a JSON number', '12', 1],
    // Refused by Apollo before a request starts: no log line either way.
    ['an empty query', '{}', 0],
  ])('%s', async (_, body, lines) => {
    const fast = await send(FAST, body, 'fast-1');
    const viaExpress = await send(EXPRESS, body, 'fast-1');
    expect(fast).toEqual(viaExpress);
    expect(fast.headers).toMatchObject({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'x-request-id': 'fast-1' });
    expect(fast.logged).toHaveLength(lines);
  });
});
