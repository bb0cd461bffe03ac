import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { OpenCounterStore } from './counter-store';

const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Counters in Redis (RateLimiterRedis: one Lua script per count, so atomic). Their windows and
 * blocks are Redis's own key expiries, on the server's clock: an injected clock does not move
 * them, so tests that need a block to end run on the database's counters. Connects before
 * resolving, so that a wrong REDIS_URL stops start-up rather than the first login. While Redis is
 * away, counting fails at once (and the login with it, as INTERNAL_SERVER_ERROR) instead of
 * queueing: an auth service that cannot count attempts refuses them.
 */
export async function openRedisCounters(url: string): Promise<OpenCounterStore> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new Error(`REDIS_URL: cannot connect to Redis (${(error as Error).message})`, { cause: error });
  }
  return {
    counter: (options) => new RateLimiterRedis({ ...options, storeClient: client, rejectIfRedisNotReady: true }),
    // Nothing to tidy: Redis expires the keys itself.
    tidy: () => {},
    recordsAudit: false,
    close: async () => {
      await client.quit();
    },
  };
}
