import { openDatabase } from '../../src/db/client';
import { FakeClock } from './fake-clock';
import { createScratchDatabase } from './postgres';
import { createTestApp, type TestApp } from './test-app';

/** Two instances of the service on one scratch PostgreSQL database, as behind a load balancer. */
export interface TwoInstances {
  readonly a: TestApp;
  readonly b: TestApp;
  /** The scratch database, for a third instance or a connection of the test's own. */
  readonly url: string;
  /** Closes both instances, then drops the database. */
  close(): Promise<void>;
}

/** One fake clock for both; `onQueryOnB` hears every statement B sends (to count them). */
export async function startTwoInstances(options: { onQueryOnB?: (sql: string) => void } = {}): Promise<TwoInstances> {
  const scratch = await createScratchDatabase();
  const clock = new FakeClock();
  const open = (onQuery?: (sql: string) => void) => openDatabase({ kind: 'postgres', url: scratch.url, maxConnections: 4, onQuery });
  const a = await createTestApp('postgres', {}, { database: await open(), clock });
  const b = await createTestApp('postgres', {}, { database: await open(options.onQueryOnB), clock });
  return {
    a,
    b,
    url: scratch.url,
    close: async () => {
      await a.close();
      await b.close();
      await scratch.drop();
    },
  };
}
