import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import bcrypt from 'bcrypt';
import { createHash } from 'node:crypto';
import { probeLatency } from './latency-probe';
import { median, percentile, round2 } from './measure';
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
export async function load({ port, bodies, token, connections, seconds, rate }: LoadOptions): Promise<autocannon.Result> {
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

/**
 * autocannon stops sending at its deadline, not the server working: up to 16 logins it sent may
 * still wait for bcrypt (about half a second's work). The next measurement starts after them.
 */
const drained = () => new Promise((resolve) => setTimeout(resolve, 1_500));

type Clients = '2' | '4' | '8' | '16';
export interface LoginResults {
  readonly bcryptCost: number;
  /** Median of the raw bcrypt rates measured between the login rounds. */
  readonly bcryptPerSec: number;
  /** Median over rounds. */
  readonly loginPerSec: Record<Clients, number>;
  /** Median over rounds of logins/s over the mean of the raw bcrypt rates measured just before and just after. */
  readonly ratio: Record<Clients, number>;
}

/**
 * Logins per second over HTTP with N concurrent clients, in rounds, each between two
 * measurements of raw bcrypt.compare at the same cost: the machine's speed drifts by more than the
 * few per cent measured here, and the mean of the windows either side of a round cancels a
 * steady drift.
 */
export async function benchLogins(server: ServerUnderTest, options: { cost: number; seconds: number; rounds: number }): Promise<LoginResults> {
  const loginPerSec = {} as Record<Clients, number>;
  const ratio = {} as Record<Clients, number>;
  const raws: number[] = [];
  const rawWindow = async () => {
    const raw = await bcryptPerSecond(options.cost, options.seconds / 2);
    raws.push(raw);
    return raw;
  };
  for (const n of [2, 4, 8, 16] as const) {
    const rates: number[] = [];
    const ratios: number[] = [];
    let before = await rawWindow();
    for (let round = 0; round < options.rounds; round += 1) {
      const rate = (await load({ port: server.ports.auth, bodies: loginBodies(server), connections: n, seconds: options.seconds })).requests.average;
      await drained();
      const after = await rawWindow();
      rates.push(rate);
      ratios.push(rate / ((before + after) / 2));
      before = after;
    }
    loginPerSec[n] = round2(median(rates));
    ratio[n] = round2(median(ratios));
  }
  return { bcryptCost: options.cost, bcryptPerSec: round2(median(raws)), loginPerSec, ratio };
}

export interface StormResults {
  readonly idleP99Ms: number;
  readonly stormP99Ms: number;
  /** Storm p99 over idle p99, each over all its rounds' samples. */
  readonly ratio: number;
  readonly samples: number;
  /** The worst of the rounds. */
  readonly eventLoopP99Ms: number;
}

/**
 * `me` latency at 100 requests/s while idle and during a storm of 16 concurrent logins, in
 * alternating windows (the machine's speed drifts), and the event loop's delay meanwhile. p99 is
 * taken over all the samples of a kind: one window's p99 is its few slowest answers, too few to
 * compare one window with another.
 */
export async function benchStorm(server: ServerUnderTest, options: { seconds: number; rounds: number }): Promise<StormResults> {
  const probe = () => probeLatency({ port: server.ports.auth, body: ME, token: server.accessToken, rate: 100, seconds: options.seconds });
  const idle: number[] = [];
  const storm: number[] = [];
  const loop: number[] = [];
  await probe();
  for (let round = 0; round < options.rounds; round += 1) {
    idle.push(...(await probe()));
    await server.request('loop-delay:start');
    const logins = load({ port: server.ports.auth, bodies: loginBodies(server), connections: 16, seconds: options.seconds + 1 });
    // Probed once the storm is under way, and until just before it ends.
    await new Promise((resolve) => setTimeout(resolve, 500));
    storm.push(...(await probe()));
    await logins;
    loop.push((await server.request('loop-delay:stop')).loopDelayP99Ms ?? NaN);
    await drained();
  }
  const [idleP99Ms, stormP99Ms] = [round2(percentile(idle, 99)), round2(percentile(storm, 99))];
  return { idleP99Ms, stormP99Ms, ratio: round2(stormP99Ms / idleP99Ms), samples: idle.length, eventLoopP99Ms: round2(Math.max(...loop)) };
}
