import { POSTGRES_FLAG, postgresAnswers } from './postgres';

/** Runs once before the workers start: they inherit the flag through the environment. */
export default async function globalSetup(): Promise<void> {
  const available = await postgresAnswers();
  process.env[POSTGRES_FLAG] = available ? '1' : '0';
  process.stdout.write(
    available
      ? '\ndatabases under test: PGlite (embedded) and PostgreSQL at 127.0.0.1:5432\n'
      : '\ndatabases under test: PGlite (embedded) only; PostgreSQL at 127.0.0.1:5432 did not answer\n',
  );
}
