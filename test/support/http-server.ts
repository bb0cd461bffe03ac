import { type App, createApp } from '../../src/app';
import type { LimitSettings } from '../../src/auth/limits/attempt-limiter';
import { type Clock, systemClock } from '../../src/clock';
import { loadConfig } from '../../src/config/config';
import type { DatabaseHandle } from '../../src/db/client';
import { createLogger } from '../../src/observability/logger';
import { startHttpServer } from '../../src/http/server';
import { type DatabaseKind, openTestDatabase } from './databases';
import type { MailLimitSettings } from '../../src/auth/mail/mail-limits';
import type { MailOptions } from '../../src/auth/mail/open-mail';
import { type AuthPayload, type GraphQLResult, type HttpResult, LOGIN, ME } from './documents';
import { DISCARD_MAIL, TEST_SECRET } from './test-app';

export interface RequestOptions {
  variables?: Record<string, unknown>;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  headers?: Record<string, string>;
}

export interface StartOptions {
  /** Passed to startHttpServer as main passes config.production: no Sandbox, no error details. */
  production?: boolean;
  /** Extra environment for loadConfig, on top of NODE_ENV=test and BCRYPT_COST=4. */
  env?: Record<string, string>;
  /** The server's clock, for a test to expire tokens without waiting (a FakeClock); the real one by default. */
  clock?: Clock;
  /** The limits the service runs with (DEFAULT_LIMITS) unless given; a test that is not about them may give roomier ones. */
  limits?: LimitSettings;
  mailLimits?: MailLimitSettings;
  /**
   * How mail is sent. Unless given, or SMTP_URL is in `env`, or NODE_ENV=production (mail off),
   * mail goes nowhere: tests that are not about it write no outbox files.
   */
  mail?: MailOptions;
}

export interface HttpTestServer {
  /** `http://127.0.0.1:<port>`: append `/graphql` or `/health`. */
  readonly origin: string;
  readonly graphqlUrl: string;
  readonly database: DatabaseHandle;
  /** Every line the server logged, as written (pino ends each with a newline). */
  readonly logLines: string[];
  /** POSTs a JSON GraphQL request, as Apollo Client would. */
  graphql(query: string, options?: RequestOptions): Promise<HttpResult>;
  /** Takes the database away from the running server (idempotent), to see how it fails. */
  closeDatabase(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The server as main starts it (createApp + startHttpServer, real clock unless given one), on a fresh database of
 * `kind` or on a given one (closed by close()), bound to 127.0.0.1 on a free port, logging into
 * an array so tests can read what would have gone to stdout.
 */
export async function startTestServer(target: DatabaseKind | DatabaseHandle, options: StartOptions = {}): Promise<HttpTestServer> {
  const config = loadConfig({ NODE_ENV: 'test', BCRYPT_COST: '4', ...options.env });
  const production = options.production ?? false;
  // As main with NODE_ENV=production: introspection off unless GRAPHQL_INTROSPECTION says otherwise.
  const introspection = options.env?.['GRAPHQL_INTROSPECTION'] === undefined ? !production : config.graphql.introspection;
  const database = typeof target === 'string' ? await openTestDatabase(target) : target;
  const logLines: string[] = [];
  const logger = createLogger({ logLevel: 'info' }, { write: (line: string) => void logLines.push(line) });

  let app: App | undefined;
  let appStopped: Promise<void> | undefined;
  let databaseClosed: Promise<void> | undefined;
  const stopApp = () => (appStopped ??= app?.stop() ?? Promise.resolve());
  // The listener goes first, as in main: PGlite refuses an UNLISTEN once closed.
  const closeDatabase = () => (databaseClosed ??= stopApp().then(() => database.close()));
  try {
    const mail = options.mail ?? (config.mail.smtpUrl !== undefined || config.production ? undefined : { transport: DISCARD_MAIL });
    app = await createApp({ config, jwtSecret: TEST_SECRET, database, clock: options.clock ?? systemClock, log: logger, limits: options.limits, mailLimits: options.mailLimits, mail });
    const server = await startHttpServer(app, logger, {
      port: 0,
      host: '127.0.0.1',
      production,
      trustProxy: config.trustProxy,
      graphqlLimits: { ...config.graphql, introspection },
      metrics: { token: config.metricsToken, port: config.metricsPort },
      appOrigins: config.appOrigins,
      clock: options.clock,
    });
    const origin = `http://127.0.0.1:${server.port}`;
    const graphqlUrl = `${origin}/graphql`;
    return {
      origin,
      graphqlUrl,
      database,
      logLines,
      graphql: (query, requestOptions) => postGraphQL(graphqlUrl, query, requestOptions),
      closeDatabase,
      async close() {
        try {
          await server.stop();
        } finally {
          await closeDatabase();
        }
      },
    };
  } catch (error) {
    await closeDatabase();
    throw error;
  }
}

export async function postGraphQL(url: string, query: string, options: RequestOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables: options.variables }) });
  return { status: response.status, body: (await response.json()) as GraphQLResult };
}

/** The log lines as objects; a line that is not JSON fails the test that reads it. */
export function parseLogLines(lines: readonly string[]): Record<string, unknown>[] {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The AuthPayload under `field`, or a thrown error naming what came back instead. */
export function payloadOf(result: HttpResult, field: string): AuthPayload {
  const payload = result.body.data?.[field] as AuthPayload | undefined;
  if (!payload) throw new Error(`${field} failed (HTTP ${result.status}): ${JSON.stringify(result.body.errors)}`);
  return payload;
}

/**
 * A forged or broken Bearer token fails the guarded field alone with TOKEN_INVALID, never the
 * request: `me` is null with its error, and a login beside it still works.
 */
export async function expectRefusedAsInvalid(server: HttpTestServer, token: string, account: { username: string; password: string }): Promise<void> {
  const me = await server.graphql(ME, { token });
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ data: { me: null }, errors: [{ path: ['me'], extensions: { code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' } }] });
  const login = await server.graphql(LOGIN, { token, variables: { input: { username: account.username, password: account.password } } });
  expect(login.body.errors).toBeUndefined();
}
