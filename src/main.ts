import type { Logger } from 'pino';
import { type App, createApp } from './app';
import { adminRefusalMessage } from './auth/admin-refusal';
import { systemClock } from './clock';
import { type Config, ConfigError, configFromProcess } from './config/config';
import { databaseTarget } from './config/database-target';
import { openDatabase } from './db/client';
import { DataDirInUseError } from './db/data-dir-lock';
import { ensureDevSecret } from './config/dev-secret';
import { InputError } from './errors';
import { SchemaRuleError } from './graphql/assert-root-fields-marked';
import { portError, PortUnavailableError, reservePort } from './http/port-reservation';
import { createLogger } from './observability/logger';
import { collectProcessMetrics } from './observability/metrics';
import { safeError } from './observability/safe-error';
import { startHttpServer } from './http/server';

async function main(): Promise<void> {
  const started = performance.now();
  const config = configFromProcess();
  const logger = createLogger(config);
  // First, so that a port in use stops start-up before a database is created or migrated.
  const port = await reservePort(config.port);

  let jwtSecret = config.jwtSecret;
  if (jwtSecret === undefined) {
    const dev = ensureDevSecret(config.dataDir);
    jwtSecret = dev.secret;
    logger.warn({ path: dev.path }, `JWT_SECRET is not set: using the ${dev.created ? 'newly generated' : 'kept'} development secret`);
  }

  const traceQuery = logger.isLevelEnabled('trace') ? (sql: string) => logger.trace({ sql }, 'query') : undefined;
  const database = await openDatabase(databaseTarget(config, traceQuery));
  const app = await createApp({ config, jwtSecret, database, clock: systemClock, log: logger });
  if (app.metrics) collectProcessMetrics(app.metrics);
  if (config.admin) await ensureAdmin(app, config.admin, logger);

  await port.release();
  const server = await startHttpServer(app, logger, { port: config.port, production: config.production, trustProxy: config.trustProxy, graphqlLimits: config.graphql, metrics: { token: config.metricsToken, port: config.metricsPort }, appOrigins: config.appOrigins }).catch(
    (error: unknown) => {
      throw portError(error, config.port) ?? error;
    },
  );
  logger.info(
    { url: server.url, database: database.kind, startupMs: Math.round(performance.now() - started) },
    `Gatehouse listening on ${server.url} (${database.kind === 'pglite' ? 'embedded database in ' + config.dataDir : 'PostgreSQL'})`,
  );

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing requests in flight');
    try {
      await server.stop();
      await app.stop();
      await database.close();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: safeError(error) }, 'unclean stop');
      process.exit(1);
    }
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** ADMIN_* at start-up: create or promote, or refuse to start when the name or address is someone else's. */
async function ensureAdmin(app: App, admin: NonNullable<Config['admin']>, logger: Logger): Promise<void> {
  const result = await app.services.users.ensureAdmin(admin).catch((error: unknown) => {
    if (error instanceof InputError) throw new ConfigError(`invalid configuration:\n  ADMIN_${error.field.toUpperCase()}: ${error.message}`);
    throw error;
  });
  if (result.action === 'refused') {
    throw new ConfigError(adminRefusalMessage(result, admin, { username: 'ADMIN_USERNAME', email: 'ADMIN_EMAIL' }));
  }
  const { user, action } = result;
  const fields = { userId: user.id, action };
  if (action === 'created') logger.info(fields, `admin ${user.username}: created as ADMIN with ADMIN_PASSWORD`);
  // An existing account's role changed, and the password the operator gave is not its password: worth a look.
  else if (action === 'promoted') logger.warn(fields, `admin ${user.username}: the existing account with this username and email made ADMIN; its own password is kept, ADMIN_PASSWORD is not applied`);
  else logger.info(fields, `admin ${user.username}: already ADMIN, nothing changed (ADMIN_PASSWORD is applied only when the account is created)`);
}

/** Failures the operator fixes by changing a setting: one line. Anything else keeps its stack. */
const EXPECTED_FAILURES = [ConfigError, SchemaRuleError, DataDirInUseError, PortUnavailableError];

main().catch((error: unknown) => {
  const expected = EXPECTED_FAILURES.some((type) => error instanceof type);
  process.stderr.write(`gatehouse: cannot start: ${expected ? (error as Error).message : (error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
