import { randomBytes } from 'node:crypto';
import { DEFAULT_EMBEDDED_SANDBOX_VERSION } from '@apollo/server/plugin/landingPage/default';

const SANDBOX_CDN = 'https://embeddable-sandbox.cdn.apollographql.com';
const SANDBOX_SCRIPT = `${SANDBOX_CDN}/${DEFAULT_EMBEDDED_SANDBOX_VERSION}/embeddable-sandbox.umd.production.min.js`;
const SANDBOX_FRAME = 'https://sandbox.embed.apollographql.com';
/** Shown in the curl lines until the page's script puts the address it was opened at in its place. */
const DEFAULT_ENDPOINT = 'http://localhost:4000/graphql';

/** What the embedded Sandbox opens with. */
export interface SandboxInitialState {
  readonly document: string;
  readonly variables: Record<string, unknown>;
  readonly headers: Record<string, string>;
}

export const FALLBACK_HEADING = 'Gatehouse: the GraphQL endpoint of an authentication service';
export const SANDBOX_UNAVAILABLE = "Apollo Sandbox could not be loaded from Apollo's CDN: this browser may be offline, or the CDN blocked.";

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JSON that cannot close the script element it sits in. */
const scriptJson = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

const endpoint = `<span class="endpoint">${DEFAULT_ENDPOINT}</span>`;
const CURL_EXAMPLE = escapeHtml(`# register (jq keeps the access token), then ask who you are
ACCESS=$(curl -s ENDPOINT -H 'content-type: application/json' \\
  -d '{"query":"mutation { register(input: {username: \\"alice\\", email: \\"alice@example.com\\", password: \\"correct horse battery\\"}) { accessToken } }"}' \\
  | jq -r .data.register.accessToken)
curl -s ENDPOINT -H 'content-type: application/json' -H "authorization: Bearer $ACCESS" \\
  -d '{"query":"{ me { id username role } }"}'`).replace(/ENDPOINT/g, endpoint);

/**
 * The page a browser gets at /graphql outside production: Apollo Sandbox, embedded from Apollo's
 * CDN with its telemetry off, over Gatehouse's own text, which stays in view when the CDN cannot
 * be reached (offline, blocked) instead of a blank page.
 */
export function renderSandboxPage(initialState: SandboxInitialState): string {
  // A fresh nonce per page: only this page's own scripts and styles run.
  const nonce = randomBytes(16).toString('base64');
  const sandboxConfig = {
    target: '#embeddableSandbox',
    initialState: { ...initialState, includeCookies: false },
    endpointIsEditable: false,
    hideCookieToggle: false,
    runTelemetry: false,
    allowDynamicStyles: false,
  };
  const csp = [
    `script-src 'nonce-${nonce}' ${SANDBOX_CDN}`,
    `style-src 'nonce-${nonce}' ${SANDBOX_CDN}`,
    `frame-src ${SANDBOX_FRAME}`,
    "object-src 'none'",
    "base-uri 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width,initial-scale=1">
  <title>Gatehouse · GraphQL</title>
  <style nonce="${nonce}">
    body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: #1d1d1f; }
    .fallback { max-width: 52rem; padding: 1.5rem; }
    pre { background: #f4f4f6; padding: 1rem; overflow-x: auto; font-size: 0.85rem; }
    #sandbox-status { color: #555; }
    #embeddableSandbox { display: none; }
    body.sandbox { overflow: hidden; }
    body.sandbox #embeddableSandbox { display: block; position: fixed; inset: 0; }
    #embeddableSandbox iframe { width: 100%; height: 100%; border: none; background: white; }
  </style>
</head>
<body>
  <main class="fallback">
    <h1>${escapeHtml(FALLBACK_HEADING)}</h1>
    <p>Gatehouse registers users and logs them in; it hands out short-lived access tokens (JWTs that
      other services verify) and rotating refresh tokens, and guards its fields with roles.</p>
    <p id="sandbox-status">Loading Apollo Sandbox from Apollo's CDN (${SANDBOX_CDN})…</p>
    <h2>Call it from a terminal</h2>
    <p>Any HTTP client will do: POST a JSON body with a <code>query</code> to this address.</p>
    <pre><code>${CURL_EXAMPLE}</code></pre>
    <p>The README at the root of the repository walks through every operation (register, login,
      refresh, logout, the admin ones), the errors and their reasons, and Apollo Client.</p>
  </main>
  <div id="embeddableSandbox"></div>
  <script nonce="${nonce}">
    (function () {
      var endpoint = window.location.origin + window.location.pathname;
      document.querySelectorAll('.endpoint').forEach(function (node) { node.textContent = endpoint; });
      var config = ${scriptJson(sandboxConfig)};
      var script = document.createElement('script');
      script.src = ${scriptJson(SANDBOX_SCRIPT)};
      script.nonce = ${scriptJson(nonce)};
      script.onload = function () {
        document.body.classList.add('sandbox');
        config.initialEndpoint = endpoint;
        new window.EmbeddedSandbox(config);
      };
      script.onerror = function () {
        document.getElementById('sandbox-status').textContent = ${scriptJson(`${SANDBOX_UNAVAILABLE} The API works without it, as below.`)};
      };
      document.body.appendChild(script);
    })();
  </script>
</body>
</html>
`;
}
