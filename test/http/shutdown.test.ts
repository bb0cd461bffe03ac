import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GraphQLResult, LOGIN, REGISTER } from '../support/documents';
import { payloadOf, postGraphQL } from '../support/http-server';
import { newAccount } from '../support/operations';
import { connectionRefused, type RunningService, startService } from '../support/process';

import { waitFor } from '../support/wait-for';

const START_MS = 45_000;
/** Long enough for a drain of seconds-long logins on a slow machine; the grace period is 10 s. */
const STOP_MS = 30_000;

interface Sent {
  /** Resolves once the whole request has been handed to the kernel. */
  readonly written: Promise<void>;
  readonly response: Promise<{ status: number; body: GraphQLResult }>;
}

/** A request on a connection of its own (no pool), so what happens to it cannot depend on other requests. */
function send(url: string, payload?: unknown): Sent {
  let written!: () => void;
  let unwritten!: (error: Error) => void;
  const writtenPromise = new Promise<void>((resolve, reject) => ((written = resolve), (unwritten = reject)));
  const response = new Promise<{ status: number; body: GraphQLResult }>((resolve, reject) => {
    const method = payload === undefined ? 'GET' : 'POST';
    const req = request(url, { method, agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as GraphQLResult }));
      res.on('error', reject);
    });
    req.on('finish', written).on('error', (error) => {
      unwritten(error);
      reject(error);
    });
    req.end(payload === undefined ? undefined : JSON.stringify(payload));
  });
  // Whoever awaits only one of the two still hears of a failure, through the one awaited.
  writtenPromise.catch(() => {});
  return { written: writtenPromise, response };
}

const messages = (service: RunningService) => service.logs().map((line) => line['msg']);

/** SIGTERM, as an orchestrator sends it before a deploy: finish what was accepted, then leave cleanly. */
describe('the real process on SIGTERM', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-shutdown-'));
  const started: RunningService[] = [];
  afterAll(async () => {
    await Promise.all(started.map((service) => service.dispose()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (env: Record<string, string> = {}) => {
    const service = await startService({ DATA_DIR: dataDir, ...env }, START_MS);
    started.push(service);
    return service;
  };
  const stopped = async (service: RunningService) => {
    await waitFor(() => !service.running(), 'the process to exit', STOP_MS);
    return service.exited;
  };

  it('exits with code 0, logs "stopped" and releases the data directory', async () => {
    const service = await start();
    service.signal('SIGTERM');
    expect(await stopped(service)).toEqual({ code: 0, signal: null });
    const said = messages(service);
    expect(said).toContain('stopped');
    expect(said.indexOf('stopping: finishing requests in flight')).toBeLessThan(said.indexOf('stopped'));
    expect(existsSync(join(dataDir, 'pglite', 'gatehouse.pid'))).toBe(false);
  }, START_MS + STOP_MS);

  it('answers every request in flight in full, refuses new connections, then exits 0', async () => {
    // Cost 12: each login hashes for hundreds of milliseconds, so all are still running at SIGTERM.
    const service = await start({ BCRYPT_COST: '12' });
    const graphqlUrl = `${service.origin}/graphql`;
    const account = newAccount('drain');
    payloadOf(await postGraphQL(graphqlUrl, REGISTER, { variables: { input: account } }), 'register');

    const input = { username: account.username, password: account.password };
    const logins = Array.from({ length: 5 }, () => send(graphqlUrl, { query: LOGIN, variables: { input } }));
    let unanswered = logins.length;
    for (const login of logins) void login.response.then(() => (unanswered -= 1), () => {});
    await Promise.all(logins.map((login) => login.written));
    // Connections are accepted, and their requests read, in order: once a connection opened after
    // theirs is answered, the logins are being worked on (in flight), not waiting in the backlog.
    expect((await send(`${service.origin}/health`).response).status).toBe(200);

    service.signal('SIGTERM');
    await waitFor(() => connectionRefused(service.port), 'new connections to be refused', STOP_MS);
    expect(unanswered).toBeGreaterThan(0);

    for (const { response } of logins) {
      const { status, body } = await response;
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(payloadOf({ status, body }, 'login').accessToken).toEqual(expect.any(String));
    }
    expect(await stopped(service)).toEqual({ code: 0, signal: null });

    // Every login was answered after the shutdown began: they were in flight, and were finished.
    const said = messages(service);
    const stopping = said.indexOf('stopping: finishing requests in flight');
    const answered = service.logs().flatMap((line, index) => (line['operation'] === 'Login' ? [index] : []));
    expect(stopping).toBeGreaterThanOrEqual(0);
    expect(answered).toHaveLength(5);
    expect(answered.every((index) => index > stopping)).toBe(true);
    expect(said.at(-1)).toBe('stopped');
  }, START_MS + STOP_MS);
});
