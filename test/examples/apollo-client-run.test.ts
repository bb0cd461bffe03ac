import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type HttpTestServer, parseLogLines, startTestServer } from '../support/http-server';

const ROOT = join(__dirname, '..', '..');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run example`, as a reader types it, against `url`; resolves when it exits. */
function runExample(url: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    // jest's NODE_OPTIONS (VM modules) are not the reader's.
    const child = spawn('npm', ['run', '--silent', 'example'], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '', EXAMPLE_URL: url } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A local port that nothing listens on: one the system gave out and that was closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// The example touches the database only through the server: PGlite alone.
describe('npm run example (examples/apollo-client/run.ts)', () => {
  let server: HttpTestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite');
  });
  afterAll(() => server.close());

  it('registers, logs in, asks for me, shares one refresh between refused queries and logs out, printing each step', async () => {
    const from = server.logLines.length;
    const run = await runExample(server.graphqlUrl);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.slice(0, 10).trim())).toEqual(['server', 'register', 'log in', 'me', 'refresh', 'log out', '']);
    const username = /^register +(example_[0-9a-f]+) /.exec(lines[1]!)?.[1];
    expect(username).toEqual(expect.any(String));
    expect(lines[3]).toContain(`${username}@example.com, role USER`);
    expect(lines[4]).toContain(`6 Me requests (each refused once, then retried), 1 Refresh; answers: ${username}, ${username}, ${username}`);
    expect(lines[6]).toContain('its refresh token is now refused: REFRESH_TOKEN_INVALID');

    // What the server saw agrees with what the example printed.
    const requests = parseLogLines(server.logLines.slice(from))
      .filter((line) => line['msg'] === 'graphql request')
      .map((line) => `${String(line['operation'])} ${String(line['outcome'])}`);
    expect(requests.filter((request) => request.startsWith('Refresh'))).toEqual(['Refresh ok', 'Refresh UNAUTHENTICATED']);
    expect(requests.filter((request) => request === 'Me UNAUTHENTICATED')).toHaveLength(3);
    expect(requests).toContain('Logout ok');
  });

  it('says in one line that no server answers, and how to start one, exiting 1', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/graphql`;
    const run = await runExample(url);

    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      `example failed at ${url}: fetch failed. Is Gatehouse running? Start it with \`npm start\`, or set EXAMPLE_URL.`,
    ]);
  });
});
