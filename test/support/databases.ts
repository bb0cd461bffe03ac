import { type Database, type DatabaseHandle, openDatabase } from '../../src/db/client';
import { createUserRepository } from '../../src/db/users';
import { createScratchDatabase, POSTGRES_FLAG } from './postgres';

export type DatabaseKind = 'pglite' | 'postgres';

/** Whether global-setup found the PostgreSQL server answering. */
export function postgresAvailable(): boolean {
  return process.env[POSTGRES_FLAG] === '1';
}

/** PGlite always; PostgreSQL too when it answers. Use with describe.each. */
export function databaseKinds(): DatabaseKind[] {
  return postgresAvailable() ? ['pglite', 'postgres'] : ['pglite'];
}

/**
 * A describe block for what only a PostgreSQL server has (instances sharing one database, its
 * network, its own settings); skipped, and reported as skipped, when no server answers.
 */
export function describeOnPostgres(name: string, tests: () => void): void {
  (postgresAvailable() ? describe : describe.skip)(name, tests);
}

/** A migrated, empty database of the kind: PGlite in memory, or a scratch PostgreSQL database dropped on close. */
export async function openTestDatabase(kind: DatabaseKind, onQuery?: (sql: string) => void): Promise<DatabaseHandle> {
  if (kind === 'pglite') return openDatabase({ kind: 'pglite', dataDir: undefined, onQuery });
  const scratch = await createScratchDatabase();
  const handle = await openDatabase({ kind: 'postgres', url: scratch.url, maxConnections: 5, onQuery });
  return {
    ...handle,
    async close() {
      await handle.close();
      await scratch.drop();
    },
  };
}

let counter = 0;
/** A username no other test (or earlier run against the same database) has used. */
export function uniqueName(prefix = 'u'): string {
  counter += 1;
  return `${prefix}_${process.pid.toString(36)}_${counter}_${Math.random().toString(36).slice(2, 7)}`.slice(0, 32);
}

/** A user row straight into the database (no password worth checking), for tests below the services; its id. */
export async function insertUser(db: Database, prefix = 'row'): Promise<string> {
  const username = uniqueName(prefix);
  const created = await createUserRepository(db).create({ username, email: `${username}@example.com`, passwordHash: 'not a real hash', role: 'USER', createdAt: new Date() });
  if (!created.ok) throw new Error(`could not insert user ${username}`);
  return created.user.id;
}
