import { createHash } from 'node:crypto';
import { type HttpTestServer, startTestServer } from '../support/http-server';

type Probe = readonly [what: string, status: number, send: (origin: string) => Promise<Response>];

const json = { 'content-type': 'application/json' };
const post = (body: string, headers: Record<string, string> = json) => (origin: string) => fetch(`${origin}/graphql`, { method: 'POST', headers, body });
const get = (path: string, headers: Record<string, string> = {}) => (origin: string) => fetch(`${origin}${path}`, { headers });
const query = (text: string) => `/graphql?${new URLSearchParams({ query: text })}`;
const wrongHash = createHash('sha256').update('{ other }').digest('hex');

/** Every way a GraphQL request can be answered: run, refused by Apollo, refused before Apollo. */
const GRAPHQL: readonly Probe[] = [
  ['POST', 200, post(JSON.stringify({ query: '{ __typename }' }))],
  ['GET', 200, get(query('{ __typename }'), { 'apollo-require-preflight': 'true' })],
  ['GET without a preflight header (CSRF)', 400, get(query('{ __typename }'))],
  ['a validation error', 400, post(JSON.stringify({ query: '{ nope }' }))],
  ['a mismatched persisted-query hash', 400, post(JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: wrongHash } } }))],
  ['malformed JSON', 400, post('{"query": ')],
  ['a body over 100 kB', 413, post(JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(110_000) } }))],
  ['a latin1 body', 415, post(JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'application/json; charset=latin1' })],
  ['a batch', 400, post(JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]))],
];

describe.each([
  ['outside production', false],
  ['in production', true],
])('response headers %s', (_, production) => {
  let server: HttpTestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite', { production });
  });
  afterAll(() => server.close());

  it.each(GRAPHQL)('answers a GraphQL request (%s) with nosniff and Cache-Control: no-store', async (__, status, send) => {
    const response = await send(server.origin);
    expect(response.status).toBe(status);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('answers /health with nosniff and Cache-Control: no-store', async () => {
    const response = await fetch(`${server.origin}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it.each([
    ['an unknown path', get('/nope')],
    ['a POST to /health', (origin: string) => fetch(`${origin}/health`, { method: 'POST' })],
  ])('answers %s with 404 and nosniff', async (__, send) => {
    const response = await send(server.origin);
    expect(response.status).toBe(404);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('response headers of the pages outside production', () => {
  let server: HttpTestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite');
  });
  afterAll(() => server.close());

  it('answers the Sandbox page with nosniff and no-store', async () => {
    const response = await fetch(server.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('answers /metrics with nosniff and no-store', async () => {
    const response = await fetch(`${server.origin}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
