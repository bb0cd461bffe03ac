import type { ApolloServer } from '@apollo/server';
import type { DocumentNode } from 'graphql';
import { type App, createApp } from '../../src/app';
import type { LimitSettings } from '../../src/auth/limits/attempt-limiter';
import type { DatabaseHandle } from '../../src/db/client';
import type { MailTransport } from '../../src/auth/mail/mail-transport';
import { loadConfig } from '../../src/config/config';
import { createApollo } from '../../src/graphql/apollo';
import { createContext, type GraphQLContext } from '../../src/graphql/context';
import { createLogger } from '../../src/observability/logger';
import { type DatabaseKind, openTestDatabase } from './databases';
import { type GraphQLResult, REGISTER, type Registered } from './documents';
import { FakeClock } from './fake-clock';
import { login, newAccount, pairOf } from './operations';

export const TEST_SECRET = 'test-secret-that-is-at-least-32-bytes-long!';

/** A mail transport that sends nothing: what tests not about mail run with, so that no outbox files are written. */
export const DISCARD_MAIL: MailTransport = { kind: 'discard', send: async () => ({}), close: () => {} };

export interface ExecuteOptions {
  variables?: Record<string, unknown>;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** The raw Authorization header, when a test needs a malformed one. */
  authorization?: string;
  ip?: string;
}

export interface TestApp {
  readonly app: App;
  readonly clock: FakeClock;
  readonly apollo: ApolloServer<GraphQLContext>;
  execute(query: string | DocumentNode, options?: ExecuteOptions): Promise<GraphQLResult>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Run on this database (closed by close()) instead of a fresh one. */
  readonly database?: DatabaseHandle;
  readonly clock?: FakeClock;
  /** The limits the service runs with (DEFAULT_LIMITS) unless given; tests of the limits may shorten their durations. */
  readonly limits?: LimitSettings;
}

/** The real app (schema, services, directive) on a fresh database, with a fake clock and BCRYPT_COST 4. */
export async function createTestApp(kind: DatabaseKind, env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({ NODE_ENV: 'test', BCRYPT_COST: '4', ...env });
  const clock = options.clock ?? new FakeClock();
  const database = options.database ?? (await openTestDatabase(kind));
  const app = await createApp({ config, jwtSecret: TEST_SECRET, database, clock, limits: options.limits, mail: config.mail.smtpUrl === undefined ? { transport: DISCARD_MAIL } : undefined });
  const apollo = createApollo({ schema: app.schema, production: false, logger: createLogger({ logLevel: 'silent' }), limits: config.graphql });
  await apollo.start();
  return {
    app,
    clock,
    apollo,
    async execute(query, options = {}) {
      const authorization = options.authorization ?? (options.token === undefined ? undefined : `Bearer ${options.token}`);
      const contextValue = await createContext(app.authenticate, { authorization, ip: options.ip ?? '127.0.0.1', userAgent: 'jest' });
      const response = await apollo.executeOperation({ query, variables: options.variables }, { contextValue });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return response.body.singleResult as GraphQLResult;
    },
    async close() {
      await apollo.stop();
      await app.stop();
      await database.close();
    },
  };
}

let ipCounter = Math.floor(Math.random() * 0x20000);
/**
 * An IPv4 address in 198.18.0.0/15 (set aside for testing) that no recent call returned: a
 * client of its own, for tests that must not run into the per-IP limits of `register`.
 */
export function freshIp(): string {
  ipCounter = (ipCounter + 1) % 0x20000;
  return `198.${18 + (ipCounter >> 16)}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

/** Registers a new, unique user through the API, from an IP of its own (`register` is limited per IP). */
export async function registerUser(t: TestApp, prefix = 'user'): Promise<Registered> {
  const input = newAccount(prefix);
  const ip = freshIp();
  const payload = pairOf(await t.execute(REGISTER, { variables: { input }, ip }), 'register');
  return { id: payload.user.id, ...input, ip, accessToken: payload.accessToken, refreshToken: payload.refreshToken };
}

/** Registers a user and makes them ADMIN directly through the service (as ADMIN_* or the CLI would), then logs in. */
export async function registerAdmin(t: TestApp): Promise<Registered> {
  const user = await registerUser(t, 'admin');
  await t.app.services.users.setRole(user.id, 'ADMIN');
  const payload = pairOf(await login(t, user.username, user.password), 'login');
  return { ...user, accessToken: payload.accessToken, refreshToken: payload.refreshToken };
}
