import { type RunningService, startService } from '../test/support/process';
import { percentile, round2 } from './measure';

export interface Propagation {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly samples: number;
  readonly afterAnswerP50Ms: number;
  readonly afterAnswerP99Ms: number;
}

const ME = '{ me { id } }';
const DEADLINE_MS = 1_000;

async function graphql(service: RunningService, query: string, token: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${service.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, unknown> | null; errors?: { extensions?: { reason?: string } }[] };
}

async function post(service: RunningService, query: string, variables: Record<string, unknown>) {
  const response = await fetch(`${service.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, { accessToken: string; refreshToken: string }> };
  const payload = Object.values(body.data ?? {})[0];
  if (!payload) throw new Error(`${query.slice(0, 30)}… failed: ${JSON.stringify(body)}`);
  return payload;
}

/**
 * Two real server processes on one PostgreSQL database, as behind a load balancer, seen only
 * from outside. Per sample: a session made on A and accepted on B; then `logout` on A, while B is
 * asked about the token back to back. The lag runs from sending the logout to B's first refusal,
 * so it includes A's whole request and one HTTP round trip to B, as a user would see it; and,
 * narrower, how long after A answered the logout B still accepted the token (0 if it never did).
 */
export async function benchPropagation(databaseUrl: string, samples: number): Promise<Propagation> {
  const env = { DATABASE_URL: databaseUrl, JWT_SECRET: 'bench-secret-that-is-at-least-32-bytes-long', BCRYPT_COST: '4' };
  const a = await startService(env);
  const b = await startService(env).catch(async (error: unknown) => {
    await a.dispose();
    throw error;
  });
  try {
    const account = { username: `prop_${process.pid}`, email: `prop_${process.pid}@example.com`, password: 'bench password long enough' };
    await post(a, 'mutation($i: RegisterInput!) { register(input: $i) { accessToken refreshToken } }', { i: account });
    const lags: number[] = [];
    const afterAnswer: number[] = [];
    for (let i = 0; i < samples; i += 1) {
      const session = await post(a, 'mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken } }', {
        i: { username: account.username, password: account.password },
      });
      if ((await graphql(b, ME, session.accessToken)).errors) throw new Error('instance B refused a fresh token');
      const started = performance.now();
      let answeredAt = Infinity;
      const logout = graphql(a, 'mutation($t: String) { logout(refreshToken: $t) }', session.accessToken, { t: session.refreshToken }).finally(
        () => (answeredAt = performance.now()),
      );
      for (;;) {
        if ((await graphql(b, ME, session.accessToken)).errors?.[0]?.extensions?.reason === 'TOKEN_REVOKED') break;
        if (performance.now() - started > DEADLINE_MS) throw new Error(`revocation ${i} did not reach instance B within ${DEADLINE_MS} ms`);
      }
      const refusedAt = performance.now();
      if ((await logout).data?.['logout'] !== true) throw new Error('logout on instance A failed');
      lags.push(refusedAt - started);
      afterAnswer.push(Math.max(0, refusedAt - answeredAt));
    }
    return {
      p50Ms: round2(percentile(lags, 50)),
      p99Ms: round2(percentile(lags, 99)),
      samples: lags.length,
      afterAnswerP50Ms: round2(percentile(afterAnswer, 50)),
      afterAnswerP99Ms: round2(percentile(afterAnswer, 99)),
    };
  } finally {
    await Promise.all([a.dispose(), b.dispose()]);
  }
}
