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

/**
 * `me` with a valid bearer against the same query with the directive and decoding off, in short
 * alternating rounds (which goes first alternates too); figures are medians of the rounds, and
 * the ratio is the median of the ratios within a round, so that the machine's drift cancels.
 */
export async function benchHttpMe(server: ServerUnderTest, options: { seconds: number; rounds: number }): Promise<{ off: number; auth: number; ratio: number }> {
  const samples = { off: [] as number[], auth: [] as number[] };
  const measure = async (mode: 'off' | 'auth') =>
    (await load({ port: server.ports[mode], bodies: [ME], token: server.accessToken, connections: 10, seconds: options.seconds })).requests.average;
  await measure('off');
  await measure('auth');
  for (let round = 0; round < options.rounds; round += 1) {
    for (const mode of round % 2 === 0 ? (['off', 'auth'] as const) : (['auth', 'off'] as const)) samples[mode].push(await measure(mode));
  }
  return {
    off: Math.round(median(samples.off)),
    auth: Math.round(median(samples.auth)),
    ratio: round2(median(samples.auth.map((auth, i) => auth / samples.off[i]!))),
  };
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

type Clients = '2' | '4' | '8' | '16';
export interface LoginResults {
  readonly bcryptCost: number;
  /** Median of the raw bcrypt rates measured before each client count. */
  readonly bcryptPerSec: number;
  readonly loginPerSec: Record<Clients, number>;
  /** Logins/s over the raw bcrypt rate measured just before them. */
  readonly ratio: Record<Clients, number>;
}

/**
 * Logins per second over HTTP with N concurrent clients, each against raw bcrypt.compare at the
 * same cost measured just before it (the machine's speed drifts over a run).
 */
export async function benchLogins(server: ServerUnderTest, options: { cost: number; seconds: number }): Promise<LoginResults> {
  const loginPerSec = {} as Record<Clients, number>;
  const ratio = {} as Record<Clients, number>;
  const raws: number[] = [];
  for (const n of [2, 4, 8, 16] as const) {
    const raw = await bcryptPerSecond(options.cost, 3);
    raws.push(raw);
    loginPerSec[n] = round2((await load({ port: server.ports.auth, bodies: loginBodies(server), connections: n, seconds: options.seconds })).requests.average);
    ratio[n] = round2(loginPerSec[n] / raw);
  }
  return { bcryptCost: options.cost, bcryptPerSec: round2(median(raws)), loginPerSec, ratio };
}

export interface StormResults {
  readonly idleP99Ms: number;
  readonly stormP99Ms: number;
  /** Median over rounds of storm p99 / idle p99 within a round. */
  readonly ratio: number;
  /** The worst of the rounds. */
  readonly eventLoopP99Ms: number;
}

/**
 * `me` latency p99 at 100 requests/s when idle, then during a storm of 16 concurrent logins, and
 * the event loop's delay meanwhile; in rounds, each storm compared with the idle just before it.
 */
export async function benchStorm(server: ServerUnderTest, options: { seconds: number; rounds: number }): Promise<StormResults> {
  const me = () => load({ port: server.ports.auth, bodies: [ME], token: server.accessToken, connections: 2, seconds: options.seconds, rate: 100 });
  const idle: number[] = [];
  const storm: number[] = [];
  const loop: number[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    // autocannon stops sending at its deadline, not the server working: logins of the load before
    // may still be queued for bcrypt. Idle means after they are done.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    idle.push((await me()).latency.p99);
    await server.request('loop-delay:reset');
    const [during] = await Promise.all([me(), load({ port: server.ports.auth, bodies: loginBodies(server), connections: 16, seconds: options.seconds + 1 })]);
    storm.push(during.latency.p99);
    loop.push((await server.request('loop-delay:read')).loopDelayP99Ms ?? NaN);
  }
  return {
    idleP99Ms: median(idle),
    stormP99Ms: median(storm),
    ratio: round2(median(storm.map((p99, i) => p99 / idle[i]!))),
    eventLoopP99Ms: round2(Math.max(...loop)),
  };
}
