/**
 * npm run bench: every figure measured side by side in one run, printed as a table and written
 * to bench/results.json. Needs PostgreSQL (BENCH_DATABASE_URL, default the local test server);
 * makes a scratch database and drops it. Loads only loopback. About four and a half minutes on 2 cores.
 * Runs with NODE_ENV=production, as a deployment does: graphql-js in development mode checks
 * every instanceof across realms, a cost no deployment pays.
 *
 * `npm run bench -- <target>...` runs only the targets named (directive, tokens, revocationMemory,
 * http.me, http.meVsApollo, login, storm, propagation) and updates only their figures in results.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { benchDirective } from './directive';
import { benchHttpMe, benchLogins, benchStorm, type LoginResults, type StormResults, startServerUnderTest } from './http';
import { machine, round2 } from './measure';
import { benchPropagation, type Propagation } from './propagation';
import { benchRevocationMemory } from './revocation-memory';
import { benchTokenVerify, type TokenMicros } from './tokens';
import { benchMeVsApollo, type MeVsApollo } from './me-vs-apollo';

const ADMIN_URL = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const BCRYPT_COST = 10;

async function withScratchDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const name = `gatehouse_bench_${process.pid}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  try {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    return await work(url.toString());
  } finally {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

const step = (what: string) => process.stderr.write(`bench: ${what}…\n`);

const TARGETS = ['directive', 'tokens', 'revocationMemory', 'http.me', 'http.meVsApollo', 'login', 'storm', 'propagation'] as const;
type Target = (typeof TARGETS)[number];

function chosenTargets(args: readonly string[]): ReadonlySet<Target> {
  const unknown = args.filter((arg) => !(TARGETS as readonly string[]).includes(arg));
  if (unknown.length > 0) throw new Error(`unknown bench target(s) ${unknown.join(', ')}: choose among ${TARGETS.join(', ')}`);
  return new Set(args.length === 0 ? TARGETS : (args as Target[]));
}

async function main(): Promise<void> {
  const started = Date.now();
  const only = chosenTargets(process.argv.slice(2));
  const results: Partial<Results> & { machine: ReturnType<typeof machine> } = { machine: machine() };
  if (only.has('directive')) {
    step('directive cost (graphql execute)');
    results.directive = await benchDirective({ processes: 4, cycles: 24, windowMs: 25 });
  }
  if (only.has('tokens')) {
    step('token verification');
    results.tokenVerifyMicros = await benchTokenVerify(1000);
  }
  if (only.has('revocationMemory')) {
    step('revocation memory');
    results.revocationMemory = benchRevocationMemory(100_000);
  }

  const needsServer = ['http.me', 'http.meVsApollo', 'login', 'storm', 'propagation'].some((t) => only.has(t as Target));
  if (needsServer) {
    await withScratchDatabase(async (url) => {
      const server = await startServerUnderTest(url, BCRYPT_COST);
      try {
        const http: Partial<Results['http']> = {};
        if (only.has('http.me')) {
          step('HTTP me, directive and decoding on vs off');
          http.me = await benchHttpMe(server, { seconds: 2, rounds: 8 });
        }
        if (only.has('http.meVsApollo')) {
          step('HTTP me against a bare Apollo Server, and with the user cache off');
          http.meVsApollo = await benchMeVsApollo(server, { seconds: 4, rounds: 3 });
        }
        if (only.has('http.me') || only.has('http.meVsApollo')) results.http = { ...readPrevious().http, ...http } as Results['http'];
        if (only.has('login')) {
          step(`login throughput against raw bcrypt.compare at cost ${BCRYPT_COST}`);
          results.login = await benchLogins(server, { cost: BCRYPT_COST, seconds: 4, rounds: 3 });
        }
        if (only.has('storm')) {
          step('me latency during a login storm');
          results.storm = await benchStorm(server, { seconds: 3, rounds: 6 });
        }
        await server.stop();
        if (only.has('propagation')) {
          step('revocation propagation between two server processes');
          results.propagation = await benchPropagation(url, 300);
        }
      } finally {
        await server.stop().catch(() => {});
      }
    });
  }

  // A run of some targets keeps the figures of the others from the last run.
  const merged = { ...readPrevious(), ...results, seconds: Math.round((Date.now() - started) / 1000) };
  writeFileSync(RESULTS, `${JSON.stringify(merged, null, 2)}\n`);
  printTable({ ...results, ...(results.http ? { http: { ...(only.has('http.me') ? { me: results.http.me } : {}), ...(only.has('http.meVsApollo') ? { meVsApollo: results.http.meVsApollo } : {}) } as Results['http'] } : {}) });
}

const RESULTS = join(__dirname, 'results.json');

function readPrevious(): Partial<Results> {
  return existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Partial<Results>) : {};
}

interface Results {
  machine: ReturnType<typeof machine>;
  directive: Awaited<ReturnType<typeof benchDirective>>;
  http: { me: { off: number; auth: number; ratio: number }; meVsApollo: MeVsApollo };
  tokenVerifyMicros: TokenMicros;
  login: LoginResults;
  storm: StormResults;
  propagation: Propagation;
  revocationMemory: ReturnType<typeof benchRevocationMemory>;
}

function printTable(r: Partial<Results> & { machine: Results['machine'] }): void {
  const rows: [string, string, string, string][] = [];
  const check = (ok: boolean) => (ok ? 'met' : 'MISSED');
  if (r.directive) {
    for (const q of ['me', 'list1000'] as const) {
      const [d, ratio] = [r.directive[q], r.directive.ratios[q]];
      rows.push([`directive ${q}: @auth / none`, `${d.auth} / ${d.none} ops/s`, `${ratio.authOverNone}`, check(ratio.authOverNone >= 0.95)]);
      rows.push([`directive ${q}: @auth / async pattern`, `${d.auth} / ${d.async} ops/s`, `${ratio.authOverAsync}x`, q === 'list1000' ? check(ratio.authOverAsync >= 2.5) : '']);
      rows.push([`directive ${q}: @auth / graphql-shield`, `${d.auth} / ${d.shield} ops/s`, `${ratio.authOverShield}x`, q === 'list1000' ? check(ratio.authOverShield >= 10) : '']);
      rows.push([`directive ${q}: @auth(fresh) on every rule / none`, `${d.fresh} / ${d.none} ops/s`, `${ratio.freshOverNone}`, '']);
    }
  }
  const h = r.http?.me as Results["http"]["me"] | undefined;
  if (h) rows.push(['HTTP me: auth / off (req/s)', `${h.auth} / ${h.off}`, `${h.ratio}`, check(h.ratio >= 0.95)]);
  const v = r.http?.meVsApollo as MeVsApollo | undefined;
  if (v) {
    rows.push([`HTTP me: Gatehouse / bare Apollo (req/s, ${v.rounds} rounds)`, `${v.gatehouse} / ${v.apollo}`, `${v.ratio}`, check(v.ratio >= 0.8)]);
    rows.push(['HTTP me: Gatehouse without its user cache / bare Apollo', `${v.gatehouseNoCache} / ${v.apollo}`, `${v.noCacheRatio}`, '']);
  }
  const t = r.tokenVerifyMicros;
  if (t) {
    rows.push(['token verify (µs): KeyObject / string / cached', `${t.keyObject} / ${t.string} / ${t.cached}`, `${round2(t.string / t.keyObject)}x`, '']);
    for (const [algorithm, cost] of Object.entries(t.perAlgorithm)) {
      rows.push([`${algorithm} sign / verify uncached (µs)`, `${cost.sign} / ${cost.verify}`, `${round2(cost.verify / t.cached)}x cached`, '']);
    }
  }
  if (r.login) {
    for (const n of ['2', '4', '8', '16'] as const) {
      const [rate, ratio] = [r.login.loginPerSec[n], r.login.ratio[n]];
      rows.push([`logins/s with ${n} clients / raw bcrypt/s`, `${rate} / ${round2(rate / ratio)}`, `${ratio}`, check(ratio >= 0.9)]);
    }
  }
  const s = r.storm;
  if (s) {
    rows.push(['me p99 during login storm / idle (ms)', `${s.stormP99Ms} / ${s.idleP99Ms}`, `${s.ratio}`, check(s.ratio <= 1.25)]);
    rows.push(['event-loop delay p99 in storm (ms)', `${s.eventLoopP99Ms}`, '', check(s.eventLoopP99Ms < 20)]);
  }
  const p = r.propagation;
  if (p) {
    rows.push([`revocation propagation p50 / p99 (ms, ${p.samples} samples)`, `${p.p50Ms} / ${p.p99Ms}`, '', check(p.p99Ms < 50)]);
    rows.push(['  of which after A answered: p50 / p99 (ms)', `${p.afterAnswerP50Ms} / ${p.afterAnswerP99Ms}`, '', '']);
  }
  const m = r.revocationMemory;
  if (m) rows.push([`revocation memory, ${m.entries} entries / after expiry (MB)`, `${m.heapMbAfterRevocations} / ${m.heapMbAfterExpiry}`, '', '']);

  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]!.length), 6));
  process.stdout.write(`\n${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}\n\n`);
  for (const row of [['measure', 'figures', 'ratio', 'target'] as const, ...rows]) {
    process.stdout.write(`| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
