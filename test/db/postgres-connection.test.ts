import { existsSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../src/db/client';
import { postgresConnection } from '../../src/db/postgres-connection';
import { describeOnPostgres } from '../support/databases';
import { createScratchDatabase } from '../support/postgres';
import { waitFor } from '../support/wait-for';

const SOCKET_DIR = '/var/run/postgresql';

describe('a PostgreSQL URL', () => {
  it('goes to postgres.js as it is when it names no socket directory', () => {
    const url = 'postgres://app:secret@db.internal:6543/app?sslmode=require';
    expect(postgresConnection(url)).toEqual({ url });
  });

  it('gives libpq’s `host` query parameter to postgres.js as the host, keeping the rest of the URL', () => {
    expect(postgresConnection('postgresql://app@localhost/app?host=/var/run/postgresql&sslmode=disable')).toEqual({
      url: 'postgresql://app@localhost/app?sslmode=disable',
      host: '/var/run/postgresql',
    });
  });
});

// Only where the server also listens on the socket libpq looks for by default.
const overSocket = existsSync(`${SOCKET_DIR}/.s.PGSQL.5432`) ? describeOnPostgres : describe.skip;

overSocket('PostgreSQL over its Unix socket, named as libpq names it', () => {
  it('migrates, queries, counts and listens through the socket', async () => {
    const scratch = await createScratchDatabase();
    const name = new URL(scratch.url).pathname.slice(1);
    const database = await openDatabase({ kind: 'postgres', url: `postgresql://postgres@localhost/${name}?host=${SOCKET_DIR}` });
    try {
      const rows = async (db: typeof database.db) => [...((await db.execute(sql`select inet_server_addr() as addr, count(*)::int as users from users`)) as unknown as { addr: string | null; users: number }[])];
      // inet_server_addr() is null on a Unix-socket connection.
      expect(await rows(database.db)).toEqual([{ addr: null, users: 0 }]);
      expect(await rows(database.countersDb)).toEqual([{ addr: null, users: 0 }]);
      const heard: string[] = [];
      const listening = await database.listen('socket_check', { onMessage: (payload) => heard.push(payload), onDown: () => {}, onUp: () => {} });
      await database.db.execute(sql`select pg_notify('socket_check', 'over the socket')`);
      await waitFor(() => heard.length > 0, 'the notification');
      expect(heard).toEqual(['over the socket']);
      await listening.close();
    } finally {
      await database.close();
      await scratch.drop();
    }
  });
});
