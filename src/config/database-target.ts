import { join } from 'node:path';
import type { Config } from './config';
import type { DatabaseTarget } from '../db/client';

/** PostgreSQL when DATABASE_URL is set, else the embedded database under DATA_DIR. */
export function databaseTarget(config: Pick<Config, 'databaseUrl' | 'dataDir'>, onQuery?: (sql: string) => void): DatabaseTarget {
  return config.databaseUrl !== undefined
    ? { kind: 'postgres', url: config.databaseUrl, onQuery }
    : { kind: 'pglite', dataDir: join(config.dataDir, 'pglite'), onQuery };
}
