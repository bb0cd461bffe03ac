import { execFile } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createKeyEncryption } from '../../src/auth/keys/key-encryption';
import { openDatabase } from '../../src/db/client';
import { signingKeys } from '../../src/db/schema';
import { databaseKinds } from '../support/databases';
import { startTestServer } from '../support/http-server';
import { createScratchDatabase } from '../support/postgres';
import { TEST_SECRET } from '../support/test-app';

const onPostgres = databaseKinds().includes('postgres') ? describe : describe.skip;

/** Every form in which a private key could be written down: PEM armour, a JWK's private member, its raw bytes. */
interface PrivateForms {
  readonly markers: readonly string[];
  readonly secrets: readonly Buffer[];
}

async function privateFormsOf(rows: { kid: string; privateKey: string | null }[]): Promise<PrivateForms> {
  const encryption = createKeyEncryption(TEST_SECRET);
  const secrets: Buffer[] = [];
  for (const row of rows) {
    if (!row.privateKey) continue;
    const der = encryption.decrypt(row.kid, row.privateKey);
    if (!der) throw new Error(`the private half of ${row.kid} did not decrypt with the test secret`);
    const d = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' }).d!;
    secrets.push(der, Buffer.from(der.toString('base64')), Buffer.from(der.toString('hex')), Buffer.from(d), Buffer.from(Buffer.from(d, 'base64url').toString('hex')));
  }
  return { markers: ['-----BEGIN', 'PRIVATE KEY', '"d":', '"d" :'], secrets };
}

function expectNoPrivateKey(haystack: Buffer, forms: PrivateForms, where: string): void {
  for (const marker of forms.markers) expect({ where, marker, found: haystack.includes(marker) }).toEqual({ where, marker, found: false });
  forms.secrets.forEach((secret, i) => expect({ where, form: i, found: haystack.includes(secret) }).toEqual({ where, form: i, found: false }));
}

onPostgres('what a pg_dump of the database holds', () => {
  it('holds the key ids and public keys, and no private key in any form', async () => {
    const scratch = await createScratchDatabase();
    try {
      // Both kinds of key pair: an ES256 deployment, then an instance switched to RS256 beside it.
      for (const algorithm of ['ES256', 'RS256']) {
        const server = await startTestServer(await openDatabase({ kind: 'postgres', url: scratch.url, maxConnections: 2 }), { env: { JWT_ALGORITHM: algorithm } });
        await server.close();
      }
      const handle = await openDatabase({ kind: 'postgres', url: scratch.url, maxConnections: 1 });
      const rows = await handle.db.select().from(signingKeys);
      await handle.close();
      expect(new Set(rows.map((r) => r.algorithm))).toEqual(new Set(['ES256', 'RS256']));
      const { stdout } = await promisify(execFile)('pg_dump', ['--data-only', scratch.url], { maxBuffer: 64 * 1024 * 1024 });
      const dump = Buffer.from(stdout);
      for (const row of rows) expect(dump.includes(row.kid)).toBe(true);
      expectNoPrivateKey(dump, await privateFormsOf(rows), 'pg_dump --data-only');
    } finally {
      await scratch.drop();
    }
  }, 60_000);
});

describe('what the embedded DATA_DIR holds', () => {
  it('holds no private key in any form, in any of its files', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-keys-'));
    try {
      const server = await startTestServer(await openDatabase({ kind: 'pglite', dataDir }), { env: { JWT_ALGORITHM: 'RS256' } });
      const rows = await server.database.db.select().from(signingKeys);
      await server.close();
      expect(rows.filter((r) => r.privateKey !== null)).toHaveLength(2);
      const forms = await privateFormsOf(rows);
      const files = listFiles(dataDir);
      expect(files.length).toBeGreaterThan(100);
      const everything = Buffer.concat(files.map((file) => readFileSync(file)));
      // The kid is there (the search reads what PGlite wrote), the private halves are not.
      expect(everything.includes(rows[0]!.kid)).toBe(true);
      expectNoPrivateKey(everything, forms, dataDir);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
