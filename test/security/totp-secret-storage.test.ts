import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type DatabaseHandle, openDatabase } from '../../src/db/client';
import { databaseKinds } from '../support/databases';
import { codeAt, CONFIRM_TOTP, ENROLL_TOTP } from '../support/mfa';
import { createScratchDatabase } from '../support/postgres';
import { createTestApp, registerUser } from '../support/test-app';

const onPostgres = databaseKinds().includes('postgres') ? describe : describe.skip;

/**
 * Signs up a user with a confirmed factor and a second, pending enrollment (also a secret), on
 * `database`; returns every form in which either secret could be written down, and the user's id.
 */
async function storeSecrets(database: DatabaseHandle): Promise<{ forms: Buffer[]; userId: string }> {
  const t = await createTestApp('pglite', {}, { database });
  try {
    const user = await registerUser(t);
    const enroll = async () => ((await t.execute(ENROLL_TOTP, { token: user.accessToken })).data?.['enrollTotp'] as { secret: string }).secret;
    const confirmed = await enroll();
    expect((await t.execute(CONFIRM_TOTP, { token: user.accessToken, variables: { code: codeAt(t, confirmed) } })).errors).toBeUndefined();
    const pending = await enroll();
    const forms = [confirmed, pending].flatMap((secret): Buffer[] => {
      const raw = base32Bytes(secret);
      return [raw, ...[secret, secret.toLowerCase(), raw.toString('hex'), raw.toString('base64'), raw.toString('base64url')].map((s) => Buffer.from(s))];
    });
    return { forms, userId: user.id };
  } finally {
    await t.app.stop();
    await t.apollo.stop();
  }
}

function expectNone(haystack: Buffer, forms: readonly Buffer[], where: string): void {
  forms.forEach((form, i) => expect({ where, form: i, found: haystack.includes(form) }).toEqual({ where, form: i, found: false }));
}

onPostgres('what a pg_dump of the database holds of TOTP secrets', () => {
  it('holds the account, and neither its confirmed nor its pending secret in any form', async () => {
    const scratch = await createScratchDatabase();
    try {
      const database = await openDatabase({ kind: 'postgres', url: scratch.url, maxConnections: 2 });
      const { forms, userId } = await storeSecrets(database);
      await database.close();
      const { stdout } = await promisify(execFile)('pg_dump', ['--data-only', scratch.url], { maxBuffer: 64 * 1024 * 1024 });
      const dump = Buffer.from(stdout);
      expect(dump.includes(userId)).toBe(true);
      expectNone(dump, forms, 'pg_dump --data-only');
    } finally {
      await scratch.drop();
    }
  }, 60_000);
});

describe('what the embedded DATA_DIR holds of TOTP secrets', () => {
  it('holds neither secret in any form, in any of its files', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-totp-'));
    try {
      const database = await openDatabase({ kind: 'pglite', dataDir });
      const { forms, userId } = await storeSecrets(database);
      await database.close();
      const everything = Buffer.concat(listFiles(dataDir).map((file) => readFileSync(file)));
      // The search reads what PGlite wrote: the account's id is there, its secrets are not.
      expect(everything.includes(userId)).toBe(true);
      expectNone(everything, forms, dataDir);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

function base32Bytes(secret: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of secret) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
