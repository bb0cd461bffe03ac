import { FALLBACK_HEADING } from '../../src/graphql/sandbox-page';
import { type HttpTestServer, startTestServer } from '../support/http-server';

/** The object the page hands to Apollo's EmbeddedSandbox, read back from the page's script. */
function sandboxConfigOf(html: string): Record<string, unknown> {
  const match = /var config = (\{.*\});/.exec(html);
  if (!match?.[1]) throw new Error('no Sandbox config in the page');
  return JSON.parse(match[1]) as Record<string, unknown>;
}

// The page touches no database: PGlite alone.
describe('the page a browser gets at /graphql outside production', () => {
  let server: HttpTestServer;
  let response: Response;
  let html: string;
  beforeAll(async () => {
    server = await startTestServer('pglite');
    response = await fetch(server.graphqlUrl, { headers: { accept: 'text/html' } });
    html = await response.text();
  });
  afterAll(() => server.close());

  it('is HTML', () => {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it("says what this is, how to call it with curl and where the README is, in Gatehouse's words", () => {
    expect(html).toContain(`<h1>${FALLBACK_HEADING}</h1>`);
    expect(html).toMatch(/curl -s <span class="endpoint">http:\/\/localhost:4000\/graphql<\/span> -H 'content-type: application\/json'/);
    expect(html).toContain('-H &quot;authorization: Bearer $ACCESS&quot;');
    expect(html).toContain('The README at the root of the repository');
    expect(html).not.toMatch(/Welcome to Apollo Server|you might be offline/);
  });

  it('embeds Sandbox from the CDN with telemetry off, opening on Login and Me with the Bearer header', () => {
    expect(html).toContain('https://embeddable-sandbox.cdn.apollographql.com/v2/embeddable-sandbox.umd.production.min.js');
    const config = sandboxConfigOf(html);
    expect(config).toMatchObject({ runTelemetry: false, endpointIsEditable: false });
    expect(config['initialState']).toMatchObject({
      headers: { Authorization: 'Bearer PASTE_ACCESS_TOKEN_HERE' },
      document: expect.stringContaining('mutation Login($input: LoginInput!)'),
    });
  });

  it("runs only its own scripts and styles: each carries the nonce the page's policy names", () => {
    const nonce = /script-src 'nonce-([^']+)'/.exec(html)?.[1];
    expect(nonce).toEqual(expect.any(String));
    const tags = html.match(/<(script|style)\b[^>]*>/g) ?? [];
    expect(tags).toHaveLength(2);
    for (const tag of tags) expect(tag).toContain(`nonce="${nonce}"`);
  });

  it('comes with a fresh nonce each time', async () => {
    const again = await (await fetch(server.graphqlUrl, { headers: { accept: 'text/html' } })).text();
    const nonceOf = (page: string) => /script-src 'nonce-([^']+)'/.exec(page)?.[1];
    expect(nonceOf(again)).not.toBe(nonceOf(html));
  });
});
