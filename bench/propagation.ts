import { createApp } from '../src/app';
import type { RevocationEvent } from '../src/auth/revocation';
import { systemClock } from '../src/clock';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/client';
import { percentile, round2 } from './measure';

/**
 * Two instances on one PostgreSQL database, each with its own connections and listener. Instance
 * A revokes a session; the lag is the time from the start of that call until instance B has the
 * revocation in memory (and would refuse the token).
 */
export async function benchPropagation(databaseUrl: string, samples: number): Promise<{ p50Ms: number; p99Ms: number; samples: number }> {
  const config = loadConfig({ BCRYPT_COST: '4', LOG_LEVEL: 'silent' });
  const instance = async () => {
    const database = await openDatabase({ kind: 'postgres', url: databaseUrl, maxConnections: 4 });
    return { database, app: await createApp({ config, jwtSecret: 'bench-secret-that-is-at-least-32-bytes-long', database, clock: systemClock }) };
  };
  const [a, b] = [await instance(), await instance()];
  try {
    const seen = new Map<string, number>();
    const apply = b.app.revocations.apply;
    b.app.revocations.apply = (event: RevocationEvent) => {
      if (event.kind === 'session') seen.set(event.sessionId, performance.now());
      apply(event);
    };
    const client = { ip: undefined, userAgent: 'bench' };
    const account = { username: `prop_${process.pid}`, email: `prop_${process.pid}@example.com`, password: 'bench password long enough' };
    await a.app.services.auth.register(account, client);
    const lags: number[] = [];
    for (let i = 0; i < samples; i += 1) {
      const { principal } = await a.app.services.auth.login({ username: account.username, password: account.password }, client);
      const started = performance.now();
      await a.app.services.sessions.revoke(principal, principal.sessionId);
      const deadline = performance.now() + 1000;
      while (!seen.has(principal.sessionId) && performance.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
      const at = seen.get(principal.sessionId);
      if (at === undefined) throw new Error(`revocation ${i} never reached instance B`);
      lags.push(at - started);
    }
    return { p50Ms: round2(percentile(lags, 50)), p99Ms: round2(percentile(lags, 99)), samples: lags.length };
  } finally {
    for (const x of [a, b]) {
      await x.app.stop();
      await x.database.close();
    }
  }
}
