import { POSTGRES_FLAG, postgresAnswers } from './postgres';
import { REDIS_FLAG, redisAnswers } from './redis';

/** Runs once before the workers start: they inherit the flag through the environment. */
export default async function globalSetup(): Promise<void> {
  const available = await postgresAnswers();
  process.env[POSTGRES_FLAG] = available ? '1' : '0';
  const redis = await redisAnswers();
  process.env[REDIS_FLAG] = redis ? '1' : '0';
  process.stdout.write(
    available
      ? '\ndatabases under test: PGlite (embedded) and PostgreSQL at 127.0.0.1:5432\n'
      : '\ndatabases under test: PGlite (embedded) only; PostgreSQL at 127.0.0.1:5432 did not answer\n',
  );
  process.stdout.write(redis ? 'rate-limit counters also tested in Redis at 127.0.0.1:6379\n' : 'Redis at 127.0.0.1:6379 did not answer: its counters are not tested\n');
}
