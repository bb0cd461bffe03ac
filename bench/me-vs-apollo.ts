import { fork } from 'node:child_process';
import { join } from 'node:path';
import { load, type ServerUnderTest } from './http';
import { median, round2 } from './measure';

const ME = JSON.stringify({ query: '{ me { id username email } }' });

export interface MeVsApollo {
  /** Medians of the rounds, requests per second. */
  readonly gatehouse: number;
  readonly apollo: number;
  readonly gatehouseNoCache: number;
  /** gatehouse / apollo, of the medians. */
  readonly ratio: number;
  /** gatehouseNoCache / apollo, of the medians: what the cache buys. */
  readonly noCacheRatio: number;
  readonly rounds: number;
}

/** Forks bench/bare-apollo.ts and waits for its port. */
async function startBareApollo(): Promise<{ port: number; stop(): Promise<void> }> {
  const child = fork(join(__dirname, 'bare-apollo.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number }));
    child.once('exit', (code) => reject(new Error(`bare Apollo exited with ${code}`)));
  });
  return {
    port,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * `me { id username email }` with a valid token on Gatehouse (PostgreSQL, production mode), with
 * and without its user cache, against a bare Apollo Server answering the same selection from
 * memory: interleaved rounds (the order turns each round), medians of each, ratio of the medians.
 */
export async function benchMeVsApollo(server: ServerUnderTest, options: { seconds: number; rounds: number }): Promise<MeVsApollo> {
  const apollo = await startBareApollo();
  try {
    const targets = {
      gatehouse: server.ports.auth,
      apollo: apollo.port,
      gatehouseNoCache: server.ports.noCache,
    } as const;
    type Target = keyof typeof targets;
    const samples: Record<Target, number[]> = { gatehouse: [], apollo: [], gatehouseNoCache: [] };
    const measure = async (target: Target, seconds = options.seconds) =>
      (await load({ port: targets[target], bodies: [ME], token: server.accessToken, connections: 10, seconds })).requests.average;
    // Warm-up: JIT, connection pools, the cache's first fill.
    for (const target of Object.keys(targets) as Target[]) await measure(target, 1);
    const orders: readonly (readonly Target[])[] = [
      ['gatehouse', 'apollo', 'gatehouseNoCache'],
      ['apollo', 'gatehouseNoCache', 'gatehouse'],
      ['gatehouseNoCache', 'gatehouse', 'apollo'],
    ];
    for (let round = 0; round < options.rounds; round += 1) {
      for (const target of orders[round % orders.length]!) samples[target].push(await measure(target));
    }
    const [gatehouse, bare, noCache] = [median(samples.gatehouse), median(samples.apollo), median(samples.gatehouseNoCache)];
    return {
      gatehouse: Math.round(gatehouse),
      apollo: Math.round(bare),
      gatehouseNoCache: Math.round(noCache),
      ratio: round2(gatehouse / bare),
      noCacheRatio: round2(noCache / bare),
      rounds: options.rounds,
    };
  } finally {
    await apollo.stop();
  }
}
