import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import bcrypt from 'bcrypt';
import { createHash } from 'node:crypto';
import { median, round2 } from './measure';
import type { Ready } from './server-under-test';

const ME = JSON.stringify({ query: '{ me { id username email role } }' });

export interface ServerUnderTest extends Ready {
  request(message: string): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/** Forks bench/server-under-test.ts on the given database and waits until it serves. */
export async function startServerUnderTest(databaseUrl: string, bcryptCost: number): Promise<ServerUnderTest> {
  const child: ChildProcess = fork(join(__dirname, 'server-under-test.ts'), [databaseUrl, String(bcryptCost)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Ready));
    child.once('exit', (code) => reject(new Error(`server under test exited with ${code}`)));
  });
  return {
    ...ready,
    request: (message) =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve(m as Record<string, number>));
        child.send(message);
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

type LoadOptions = {
  port: number;
  /** The request body; given several, each connection sends one of them, in turn. */
  bodies: readonly string[];
  token?: string;
  connections: number;
  seconds: number;
  rate?: number;
};

/** autocannon, failing on any non-2xx answer and on any GraphQL error in a body (a 200 can carry one). */
async function load({ port, bodies, token, connections, seconds, rate }: LoadOptions): Promise<autocannon.Result> {
  let clients = 0;
  let errors = 0;
  const result = await autocannon({
    setupClient: (client: autocannon.Client) => {
      client.setBody(bodies[clients % bodies.length]!);
      clients += 1;
      client.on('body', (chunk: Buffer) => void (chunk.includes('"errors"') && (errors += 1)));
    },
    url: `http://127.0.0.1:${port}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: bodies[0],
    connections,
    duration: seconds,
    ...(rate ? { overallRate: rate } : {}),
  });
  if (result.non2xx > 0 || result.errors > 0 || errors > 0) {
    throw new Error(`load on :${port} had ${result.non2xx} non-2xx answers, ${result.errors} failed requests and ${errors} GraphQL errors`);
  }
  return result;
}

/** `me` with a valid bearer against the same query with the directive and decoding off; medians of interleaved rounds. */
export async function benchHttpMe(server: ServerUnderTest, options: { seconds: number; rounds: number }): Promise<{ off: number; auth: number }> {
  const samples = { off: [] as number[], auth: [] as number[] };
  for (let round = 0; round <= options.rounds; round += 1) {
    for (const mode of ['off', 'auth'] as const) {
      const result = await load({ port: server.ports[mode], bodies: [ME], token: server.accessToken, connections: 10, seconds: options.seconds });
      if (round > 0) samples[mode].push(result.requests.average);
    }
  }
  return { off: Math.round(median(samples.off)), auth: Math.round(median(samples.auth)) };
}

/** Raw bcrypt.compare throughput at the service's cost, on libuv's pool, `concurrency` at a time. */
export async function bcryptPerSecond(cost: number, seconds: number, concurrency = 8): Promise<number> {
  const input = createHash('sha256').update('bench password long enough').digest('base64');
  const hash = await bcrypt.hash(input, cost);
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await bcrypt.compare(input, hash);
        done += 1;
      }
    }),
  );
  return round2(done / ((performance.now() - started) / 1000));
}

/** One login body per account: each client logs in as an account of its own, as in a storm of users. */
const loginBodies = (server: ServerUnderTest) =>
  server.accounts.map((account) => JSON.stringify({ query: 'mutation($i: LoginInput!) { login(input: $i) { accessToken } }', variables: { i: account } }));

/** Logins per second over HTTP with N concurrent clients. */
export async function benchLogins(server: ServerUnderTest, seconds: number): Promise<Record<'2' | '4' | '8' | '16', number>> {
  const out = {} as Record<'2' | '4' | '8' | '16', number>;
  for (const n of [2, 4, 8, 16] as const) {
    out[n] = round2((await load({ port: server.ports.auth, bodies: loginBodies(server), connections: n, seconds })).requests.average);
  }
  return out;
}

/** `me` latency p99 when idle and during a storm of 16 concurrent logins, and the event loop's delay meanwhile. */
export async function benchStorm(server: ServerUnderTest, seconds: number): Promise<{ idleP99Ms: number; stormP99Ms: number; eventLoopP99Ms: number }> {
  const me = () => load({ port: server.ports.auth, bodies: [ME], token: server.accessToken, connections: 2, seconds, rate: 100 });
  // autocannon stops sending at its deadline, not the server working: logins of the load before
  // this one may still be queued for bcrypt. Idle means after they are done.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const idle = await me();
  await server.request('loop-delay:reset');
  const [storm] = await Promise.all([me(), load({ port: server.ports.auth, bodies: loginBodies(server), connections: 16, seconds: seconds + 1 })]);
  const { loopDelayP99Ms } = await server.request('loop-delay:read');
  return { idleP99Ms: idle.latency.p99, stormP99Ms: storm.latency.p99, eventLoopP99Ms: round2(loopDelayP99Ms ?? NaN) };
}
