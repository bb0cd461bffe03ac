import type { CounterStore } from './attempt-limiter';
import type { Clock } from '../../clock';
import type { DatabaseHandle } from '../../db/client';
import { createDatabaseCounters } from './database-counters';
import { openRedisCounters } from './redis-counters';

export interface OpenCounterStore extends CounterStore {
  close(): Promise<void>;
}

/** The rate-limit counters every instance shares: in Redis when REDIS_URL is set, else in the database. */
export async function openCounterStore(redisUrl: string | undefined, database: DatabaseHandle, clock: Clock): Promise<OpenCounterStore> {
  if (redisUrl !== undefined) return openRedisCounters(redisUrl);
  // The database belongs to the caller, who closes it.
  return { ...createDatabaseCounters(database.countersDb, clock), close: async () => {} };
}
