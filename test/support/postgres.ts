import postgres from 'postgres';

/** The PostgreSQL server the tests use when it answers (trust auth, as on CI and dev machines). */
export const POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Set by global-setup for the test workers: whether the server answered. */
export const POSTGRES_FLAG = 'GATEHOUSE_TEST_POSTGRES';

export async function postgresAnswers(): Promise<boolean> {
  const sql = postgres(POSTGRES_ADMIN_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** A fresh database of its own for one test file; `drop` removes it. */
export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `gatehouse_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  return {
    url: POSTGRES_ADMIN_URL.replace(/\/test$/, `/${name}`),
    async drop() {
      try {
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await admin.end({ timeout: 5 });
      }
    },
  };
}
