import { Redis } from 'ioredis';

/** The Redis server the tests use when it answers: the default local one. */
export const REDIS_URL = 'redis://127.0.0.1:6379';

/** Set by global-setup for the test workers: whether Redis answered. */
export const REDIS_FLAG = 'GATEHOUSE_TEST_REDIS';

export async function redisAnswers(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export const redisAvailable = (): boolean => process.env[REDIS_FLAG] === '1';
