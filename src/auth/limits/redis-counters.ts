import { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterRedis } from 'rate-limiter-flexible';
import type { LimiterOptions } from './database-counters';

export interface RedisCounters {
  counter(options: LimiterOptions): RateLimiterAbstract;
  /** Nothing to do: Redis expires the keys itself. */
  tidy(): void;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Counters in Redis (RateLimiterRedis: one Lua script per count, so atomic). Connects before
 * resolving, so that a wrong REDIS_URL stops start-up rather than the first login. While Redis is
 * away, counting fails at once (and the login with it, as INTERNAL_SERVER_ERROR) instead of
 * queueing: an auth service that cannot count attempts refuses them.
 */
export async function openRedisCounters(url: string): Promise<RedisCounters> {
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
    tidy: () => {},
    close: async () => {
      await client.quit();
    },
  };
}
