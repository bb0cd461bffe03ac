import { runInNewContext } from 'node:vm';
import { renderSandboxPage, SANDBOX_UNAVAILABLE } from '../../src/graphql/sandbox-page';

const INITIAL_STATE = { document: 'query Me { me { id } }', variables: {}, headers: { Authorization: 'Bearer X' } };

interface FakeScript {
  src?: string;
  nonce?: string;
  onload?: () => void;
  onerror?: () => void;
}

/**
 * Runs the page's inline script against the few DOM calls it makes, as a browser at `href`
 * would, and hands back what it did: no browser is needed to see which text shows when.
 */
function runPageScript(html: string, href: URL) {
  const code = /<script nonce="[^"]+">([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (!code) throw new Error('no inline script in the page');
  const endpoints = [{ textContent: 'http://localhost:4000/graphql' }];
  const status = { textContent: 'Loading…' };
  const bodyClasses = new Set<string>();
  const appended: FakeScript[] = [];
  const sandboxes: Record<string, unknown>[] = [];
  const document = {
    querySelectorAll: (selector: string) => (selector === '.endpoint' ? endpoints : []),
    getElementById: (id: string) => (id === 'sandbox-status' ? status : null),
    createElement: (): FakeScript => ({}),
    body: { classList: { add: (name: string) => bodyClasses.add(name) }, appendChild: (node: FakeScript) => appended.push(node) },
  };
  const window = {
    location: { origin: href.origin, pathname: href.pathname },
    EmbeddedSandbox: function EmbeddedSandbox(config: Record<string, unknown>) {
      sandboxes.push(config);
    },
  };
  runInNewContext(code, { window, document });
  const script = appended[0];
  if (!script) throw new Error('the page appended no script');
  return { script, endpoints, status, bodyClasses, sandboxes };
}

describe('the Sandbox page in a browser', () => {
  const html = renderSandboxPage(INITIAL_STATE);
  const href = new URL('http://gatehouse.test:8080/graphql');

  it('loads the Sandbox script from the CDN with the nonce of the page', () => {
    const { script } = runPageScript(html, href);
    expect(script.src).toBe('https://embeddable-sandbox.cdn.apollographql.com/v2/embeddable-sandbox.umd.production.min.js');
    expect(html).toContain(`script-src 'nonce-${script.nonce}'`);
  });

  it('puts the address the page was opened at in the curl lines', () => {
    const { endpoints } = runPageScript(html, href);
    expect(endpoints.map((node) => node.textContent)).toEqual(['http://gatehouse.test:8080/graphql']);
  });

  it('says so, and keeps its own text in view, when the CDN cannot be reached', () => {
    const { script, status, bodyClasses, sandboxes } = runPageScript(html, href);
    script.onerror?.();
    expect(status.textContent).toContain(SANDBOX_UNAVAILABLE);
    expect(bodyClasses.size).toBe(0);
    expect(sandboxes).toEqual([]);
  });

  it('starts Sandbox over its text once the script has loaded, at this endpoint, telemetry off', () => {
    const { script, bodyClasses, sandboxes } = runPageScript(html, href);
    script.onload?.();
    expect([...bodyClasses]).toEqual(['sandbox']);
    expect(sandboxes).toHaveLength(1);
    expect(sandboxes[0]).toMatchObject({
      target: '#embeddableSandbox',
      initialEndpoint: 'http://gatehouse.test:8080/graphql',
      initialState: { ...INITIAL_STATE, includeCookies: false },
      runTelemetry: false,
    });
  });

  it('cannot be broken out of by a document that contains a closing script tag', () => {
    const page = renderSandboxPage({ ...INITIAL_STATE, document: '# </script><script>alert(1)</script>' });
    const { script } = runPageScript(page, href);
    expect(page.match(/<script\b/g)).toHaveLength(1);
    expect(script.src).toMatch(/^https:\/\/embeddable-sandbox\.cdn\.apollographql\.com\//);
  });
});
