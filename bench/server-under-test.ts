/**
 * The service as the HTTP benchmarks load it, in a process of its own (forked by bench/http.ts):
 * the real server, and beside it the same server with the directive and token decoding switched
 * off (a schema without @auth applied, every request as one fixed caller), and the real server
 * with its user cache off. Those switches exist only here, never in the service's configuration. Talks to its parent over IPC.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createApp, SCHEMA_DIR } from '../src/app';
import { systemClock } from '../src/clock';
import { loadConfig } from '../src/config/config';
import { openDatabase } from '../src/db/client';
import { buildUnguardedSchema, readTypeDefs } from '../src/graphql/schema';
import { createLogger } from '../src/observability/logger';
import { startHttpServer } from '../src/http/server';

export interface Ready {
  /** auth: the real server; off: directive and decoding off; noCache: the real server with its user cache off. */
  readonly ports: { readonly auth: number; readonly off: number; readonly noCache: number };
  readonly accessToken: string;
  /** Accounts to log in as, one per concurrent client: a client logs in as one account only. */
  readonly accounts: readonly { readonly username: string; readonly password: string }[];
}

/** As many as the most concurrent clients of the login benchmarks. */
const ACCOUNTS = 16;

async function main(databaseUrl: string, bcryptCost: string): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'bench-secret-that-is-at-least-32-bytes-long', BCRYPT_COST: bcryptCost, LOG_LEVEL: 'silent' });
  const logger = createLogger(config);
  const database = await openDatabase({ kind: 'postgres', url: databaseUrl });
  const app = await createApp({ config, jwtSecret: config.jwtSecret!, database, clock: systemClock, log: logger });
  const username = `bench_${process.pid}`;
  const password = 'bench password long enough';
  // The `me` caller is none of the accounts that log in: at MAX_SESSIONS their logins end their oldest sessions.
  const issued = await app.services.auth.register({ username, email: `${username}@example.com`, password }, { ip: undefined, userAgent: 'bench' });
  const accounts: { username: string; password: string }[] = [];
  for (let i = 1; i <= ACCOUNTS; i += 1) {
    const account = { username: `${username}_${i}`, password };
    await app.services.users.create({ ...account, email: `${account.username}@example.com`, role: 'USER' });
    accounts.push(account);
  }

  const options = { port: 0, host: '127.0.0.1', production: true, trustProxy: false, graphqlLimits: config.graphql } as const;
  const auth = await startHttpServer(app, logger, options);
  const fixed = { ok: true, principal: issued.principal } as const;
  const off = await startHttpServer({ ...app, schema: buildUnguardedSchema(readTypeDefs(SCHEMA_DIR), app.services), authenticate: () => fixed }, logger, options);
  // A second instance on the same database, reading every user row from it: what the cache buys.
  const uncached = await createApp({ config, jwtSecret: config.jwtSecret!, database, clock: systemClock, log: logger, userCache: false });
  const noCache = await startHttpServer(uncached, logger, options);

  // On only while asked: sampling every millisecond wakes the event loop a thousand times a
  // second, and each wake-up takes a core from a bcrypt thread.
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  // Every message gets one answer: the loop delay p99 since `start` (0 before any), then the monitor
  // starts afresh or stops, as asked.
  process.on('message', (message: 'loop-delay:start' | 'loop-delay:stop') => {
    process.send!({ loopDelayP99Ms: loopDelay.percentile(99) / 1e6 });
    if (message === 'loop-delay:start') {
      loopDelay.reset();
      loopDelay.enable();
    } else {
      loopDelay.disable();
    }
  });
  const ready: Ready = { ports: { auth: auth.port, off: off.port, noCache: noCache.port }, accessToken: issued.accessToken, accounts };
  process.send!(ready);
}

main(process.argv[2]!, process.argv[3] ?? '10').catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
