import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import postgres from 'postgres';
import { databaseKinds } from '../support/databases';
import { spawnService } from '../support/process';
import { waitFor } from '../support/wait-for';
import { cleanUp, exitOf, freshTarget, start, type Target, tempDir, track } from './fixtures';

// Real processes: each start compiles main.ts and opens a database.
const PROCESS_TEST_MS = 180_000;

afterAll(cleanUp);

/** What a failed start wrote: it must be one line, the reason, with no stack. */
function failureLines(output: string): string[] {
  return output.split('\n').filter((line) => line !== '' && !line.startsWith('{'));
}

/** A port some other process listens on, on every interface as the service would. */
async function portInUse(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, server };
}

describe.each(databaseKinds())('a start-up whose PORT is in use, on %s', (kind) => {
  let target: Target;
  beforeAll(async () => {
    target = await freshTarget(kind);
  });
  afterAll(() => target.dispose());

  it(
    'stops in one line naming PORT, before the database is created or migrated',
    async () => {
      const taken = await portInUse();
      try {
        const service = track(spawnService({ PORT: String(taken.port), BCRYPT_COST: '4', LOG_LEVEL: 'info', ...target.env }));
        expect((await exitOf(service)).code).toBe(1);
        expect(failureLines(service.output())).toEqual([
          `gatehouse: cannot start: port ${taken.port} is in use by another process: stop it, or set PORT to a free port`,
        ]);
      } finally {
        await new Promise((resolve) => taken.server.close(resolve));
      }

      if (kind === 'pglite') {
        expect(existsSync(join(target.env['DATA_DIR']!, 'pglite'))).toBe(false);
      } else {
        const sql = postgres(target.env['DATABASE_URL']!, { max: 1, onnotice: () => {} });
        try {
          const [row] = await sql<{ tables: number }[]>`select count(*)::int as tables from pg_tables where schemaname in ('public', 'drizzle')`;
          expect(row?.tables).toBe(0);
        } finally {
          await sql.end({ timeout: 5 });
        }
      }
    },
    PROCESS_TEST_MS,
  );
});

describe('a start-up on a given PORT that is free', () => {
  it(
    'holds the port while it starts, then serves on it',
    async () => {
      const free = await portInUse();
      await new Promise((resolve) => free.server.close(resolve));
      const service = await start({ PORT: String(free.port), DATA_DIR: tempDir() });
      expect(service.port).toBe(free.port);
      expect((await fetch(`http://127.0.0.1:${free.port}/health`)).status).toBe(200);
    },
    PROCESS_TEST_MS,
  );
});

describe('a second start-up on a DATA_DIR another process serves', () => {
  let target: Target;
  beforeAll(async () => {
    target = await freshTarget('pglite');
  });
  afterAll(() => target.dispose());

  it(
    'stops in one line naming DATA_DIR, and the first keeps serving',
    async () => {
      const env = { BCRYPT_COST: '4', LOG_LEVEL: 'info', ...target.env };
      const owner = track(spawnService({ PORT: '0', ...env }));
      await waitFor(() => owner.output().includes('listening') || !owner.running(), 'the first to listen', PROCESS_TEST_MS / 2);
      expect(owner.running()).toBe(true);

      const second = track(spawnService({ PORT: '0', ...env }));
      expect((await exitOf(second)).code).toBe(1);
      const lines = failureLines(second.output());
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^gatehouse: cannot start: the embedded database in \\S+ is in use by process ${owner.pid}\\b.*DATA_DIR`));
      expect(owner.running()).toBe(true);
    },
    PROCESS_TEST_MS,
  );
});
