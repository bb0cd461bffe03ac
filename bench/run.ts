/**
 * npm run bench: every figure measured side by side in one run, printed as a table and written
 * to bench/results.json. Needs PostgreSQL (BENCH_DATABASE_URL, default the local test server);
 * makes a scratch database and drops it. Loads only loopback. About four and a half minutes on 2 cores.
 * Runs with NODE_ENV=production, as a deployment does: graphql-js in development mode checks
 * every instanceof across realms, a cost no deployment pays.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { benchDirective } from './directive';
import { benchHttpMe, benchLogins, benchStorm, type LoginResults, type StormResults, startServerUnderTest } from './http';
import { machine, round2 } from './measure';
import { benchPropagation, type Propagation } from './propagation';
import { benchRevocationMemory } from './revocation-memory';
import { benchTokenVerify, type TokenMicros } from './tokens';

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

async function main(): Promise<void> {
  const started = Date.now();
  step('directive cost (graphql execute)');
  const directive = await benchDirective({ processes: 4, cycles: 24, windowMs: 25 });
  step('token verification');
  const tokenVerifyMicros = await benchTokenVerify(1000);
  step('revocation memory');
  const revocationMemory = benchRevocationMemory(100_000);

  const rest = await withScratchDatabase(async (url) => {
    const server = await startServerUnderTest(url, BCRYPT_COST);
    try {
      step('HTTP me, directive and decoding on vs off');
      const http = { me: await benchHttpMe(server, { seconds: 2, rounds: 8 }) };
      step(`login throughput against raw bcrypt.compare at cost ${BCRYPT_COST}`);
      const login = await benchLogins(server, { cost: BCRYPT_COST, seconds: 4, rounds: 3 });
      step('me latency during a login storm');
      const storm = await benchStorm(server, { seconds: 3, rounds: 6 });
      await server.stop();
      step('revocation propagation between two server processes');
      const propagation = await benchPropagation(url, 300);
      return { http, login, storm, propagation };
    } finally {
      await server.stop().catch(() => {});
    }
  });

  const results = { machine: machine(), directive, ...rest, tokenVerifyMicros, revocationMemory, seconds: Math.round((Date.now() - started) / 1000) };
  writeFileSync(join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  printTable(results);
}

function printTable(r: {
  machine: ReturnType<typeof machine>;
  directive: Awaited<ReturnType<typeof benchDirective>>;
  http: { me: { off: number; auth: number; ratio: number } };
  tokenVerifyMicros: TokenMicros;
  login: LoginResults;
  storm: StormResults;
  propagation: Propagation;
  revocationMemory: ReturnType<typeof benchRevocationMemory>;
}): void {
  const rows: [string, string, string, string][] = [];
  const check = (ok: boolean) => (ok ? 'met' : 'MISSED');
  for (const q of ['me', 'list1000'] as const) {
    const [d, ratio] = [r.directive[q], r.directive.ratios[q]];
    rows.push([`directive ${q}: @auth / none`, `${d.auth} / ${d.none} ops/s`, `${ratio.authOverNone}`, check(ratio.authOverNone >= 0.95)]);
    rows.push([`directive ${q}: @auth / async pattern`, `${d.auth} / ${d.async} ops/s`, `${ratio.authOverAsync}x`, q === 'list1000' ? check(ratio.authOverAsync >= 2.5) : '']);
    rows.push([`directive ${q}: @auth / graphql-shield`, `${d.auth} / ${d.shield} ops/s`, `${ratio.authOverShield}x`, q === 'list1000' ? check(ratio.authOverShield >= 10) : '']);
    rows.push([`directive ${q}: @auth(fresh) on every rule / none`, `${d.fresh} / ${d.none} ops/s`, `${ratio.freshOverNone}`, '']);
  }
  const h = r.http.me;
  rows.push(['HTTP me: auth / off (req/s)', `${h.auth} / ${h.off}`, `${h.ratio}`, check(h.ratio >= 0.95)]);
  const t = r.tokenVerifyMicros;
  rows.push(['token verify (µs): KeyObject / string / cached', `${t.keyObject} / ${t.string} / ${t.cached}`, `${round2(t.string / t.keyObject)}x`, '']);
  for (const [algorithm, cost] of Object.entries(t.perAlgorithm)) {
    rows.push([`${algorithm} sign / verify uncached (µs)`, `${cost.sign} / ${cost.verify}`, `${round2(cost.verify / t.cached)}x cached`, '']);
  }
  for (const n of ['2', '4', '8', '16'] as const) {
    const [rate, ratio] = [r.login.loginPerSec[n], r.login.ratio[n]];
    rows.push([`logins/s with ${n} clients / raw bcrypt/s`, `${rate} / ${round2(rate / ratio)}`, `${ratio}`, check(ratio >= 0.9)]);
  }
  const s = r.storm;
  rows.push(['me p99 during login storm / idle (ms)', `${s.stormP99Ms} / ${s.idleP99Ms}`, `${s.ratio}`, check(s.ratio <= 1.25)]);
  rows.push(['event-loop delay p99 in storm (ms)', `${s.eventLoopP99Ms}`, '', check(s.eventLoopP99Ms < 20)]);
  const p = r.propagation;
  rows.push([`revocation propagation p50 / p99 (ms, ${p.samples} samples)`, `${p.p50Ms} / ${p.p99Ms}`, '', check(p.p99Ms < 50)]);
  rows.push(['  of which after A answered: p50 / p99 (ms)', `${p.afterAnswerP50Ms} / ${p.afterAnswerP99Ms}`, '', '']);
  const m = r.revocationMemory;
  rows.push([`revocation memory, ${m.entries} entries / after expiry (MB)`, `${m.heapMbAfterRevocations} / ${m.heapMbAfterExpiry}`, '', '']);

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
