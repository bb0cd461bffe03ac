import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { uniqueName } from '../support/databases';
import { LOGIN, ME, REGISTER, REQUEST_PASSWORD_RESET } from '../support/documents';
import { type HttpTestServer, parseLogLines, payloadOf, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';
import { connectionRefused } from '../support/process';
import { freshIp } from '../support/test-app';
import { waitFor } from '../support/wait-for';

/** A TCP server that accepts connections and never says a word: an SMTP server that hangs. */
async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => void sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on: taken, then let go. */
async function closedPort(): Promise<number> {
  const silent = await startSilentServer();
  await silent.close();
  return silent.port;
}

/** When the SMTP server is down or hangs, mail waits and retries; no answer waits for it, nothing fails. */
describe.each([
  ['down (connection refused)', async () => ({ port: await closedPort(), close: async () => {} })],
  ['silent (accepts, never greets)', startSilentServer],
])('with the SMTP server %s', (_, start) => {
  let smtp: { port: number; close(): Promise<void> };
  let server: HttpTestServer;

  beforeAll(async () => {
    smtp = await start();
    server = await startTestServer('pglite', {
      env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, TRUST_PROXY: 'loopback' },
      mail: { retryDelaysMs: [50, 50], smtpTimeouts: { connectMs: 300, socketMs: 300 } },
    });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it('answers requestPasswordReset true at once, logs the retries and the drop without the link, and keeps serving', async () => {
    if (_.startsWith('down')) expect(await connectionRefused(smtp.port)).toBe(true);
    const account = newAccount('smtpdown');
    payloadOf(await server.graphql(REGISTER, { variables: { input: account }, headers: { 'x-forwarded-for': freshIp() } }), 'register');
    // Warms the path (statements, counters) with an address no account has: it sends nothing.
    await server.graphql(REQUEST_PASSWORD_RESET, { variables: { email: `${uniqueName('nobody')}@example.com` }, headers: { 'x-forwarded-for': freshIp() } });
    const started = performance.now();
    const answer = await server.graphql(REQUEST_PASSWORD_RESET, { variables: { email: account.email }, headers: { 'x-forwarded-for': freshIp() } });
    // Well under one SMTP timeout (300 ms): the answer did not wait for the mail.
    expect(performance.now() - started).toBeLessThan(250);
    expect(answer.body).toEqual({ data: { requestPasswordReset: true } });

    const resets = () => parseLogLines(server.logLines).filter((line) => line['mail'] === 'password-reset');
    await waitFor(() => resets().some((line) => String(line['msg']).startsWith('mail dropped')), 'the reset mail to be dropped');
    expect(resets().map((line) => [line['level'], line['msg']])).toEqual([
      [40, 'mail not sent, will retry: password-reset'],
      [40, 'mail not sent, will retry: password-reset'],
      [40, 'mail dropped after 3 attempts: password-reset'],
    ]);
    expect(server.logLines.join('')).not.toMatch(/token=|reset-password/);

    const login = await server.graphql(LOGIN, { variables: { input: { username: account.username, password: account.password } } });
    expect((await server.graphql(ME, { token: payloadOf(login, 'login').accessToken })).body.data).toEqual({ me: { id: expect.any(String), username: account.username } });
  });
});
