import { z } from 'zod';
import { parseDuration } from './duration';
import { isOrigin } from './origin';
import { parseTrustProxy, type TrustProxy } from '../http/trust-proxy';

/** Everything the service reads from its environment, validated once and frozen. */
export interface Config {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly production: boolean;
  readonly port: number;
  /** Unset: the embedded database in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** Unset outside production: main generates one and keeps it in `dataDir`. */
  readonly jwtSecret: string | undefined;
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
  /** How access tokens are signed: a key pair of the service's own (published), or JWT_SECRET. */
  readonly jwtAlgorithm: JwtAlgorithm;
  /** How often the signing key pair is replaced by the one published beside it. */
  readonly signingKeyRotationSeconds: number;
  /** How long verifiers may cache the JWKS: a key is published this long before it signs. */
  readonly jwksMaxAgeSeconds: number;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  /** How long audit events are kept (AUDIT_RETENTION), then deleted. */
  readonly auditRetentionSeconds: number;
  readonly bcryptCost: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly trustProxy: TrustProxy;
  /** Unset: the rate-limit counters live in the database. */
  readonly redisUrl: string | undefined;
  readonly graphql: GraphQLLimits;
  /** Live sessions an account may have; opening one more ends its least recently used. */
  readonly maxSessions: number;
  /** Serve /metrics (Prometheus) and count logins, refreshes and denials. */
  readonly metricsEnabled: boolean;
  /** Set: /metrics answers only `Authorization: Bearer <metricsToken>`. */
  readonly metricsToken: string | undefined;
  /** Set: /metrics is served on this port alone (0: any free one), not on `port`. */
  readonly metricsPort: number | undefined;
  readonly admin: { readonly username: string; readonly email: string; readonly password: string } | undefined;
  readonly mail: MailConfig;
  /** The web apps' origins: their requests get CORS with credentials and the refresh token as a cookie. */
  readonly appOrigins: readonly string[];
}

/** Where mail goes and what its links point at (docs/email.md). */
export interface MailConfig {
  /** Unset: `.eml` files in DATA_DIR/outbox outside production; mail is off in production. */
  readonly smtpUrl: string | undefined;
  readonly from: string;
  /** The web app's origin (and path), without a trailing slash: links are APP_URL/reset-password?token=… */
  readonly appUrl: string;
  readonly requireEmailVerification: boolean;
}

/** Bounds on one GraphQL request (see src/graphql/query-limits.ts). */
export interface GraphQLLimits {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxDirectives: number;
  readonly maxTokens: number;
  readonly maxCost: number;
  /** How many items the cost counts for `User.sessions`, a list with no size argument: MAX_SESSIONS. */
  readonly maxSessions: number;
  readonly introspection: boolean;
}

export const JWT_ALGORITHMS = ['ES256', 'RS256', 'HS256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

// A verifier caching the JWKS longer than this would learn of a revoked key too late.
const MAX_JWKS_MAX_AGE_SECONDS = 3600;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

// Ten years: beyond that an expiry date stops being meaningful (and JavaScript dates give out).
const MAX_DURATION_SECONDS = 3650 * 86_400;

const duration = (name: string, fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const seconds = parseDuration(value);
      if (seconds === undefined || seconds <= 0 || seconds > MAX_DURATION_SECONDS) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a duration from 1s to 3650d, such as 900, 15m or 30d` });
        return z.NEVER;
      }
      return seconds;
    });

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

const bound = (fallback: number) => optional.pipe(z.coerce.number<string | undefined>().int().min(1).max(1_000_000).default(fallback));

const env = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: optional.pipe(z.coerce.number<string | undefined>().int().min(0).max(65535).default(4000)),
  DATABASE_URL: optional.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  DATA_DIR: z.string().min(1).default('./data'),
  JWT_SECRET: optional,
  JWT_ISSUER: z.string().min(1).default('gatehouse'),
  JWT_AUDIENCE: z.string().min(1).default('gatehouse'),
  JWT_ALGORITHM: z.enum(JWT_ALGORITHMS, { message: 'JWT_ALGORITHM must be ES256, RS256 or HS256' }).default('ES256'),
  SIGNING_KEY_ROTATION: duration('SIGNING_KEY_ROTATION', '90d'),
  JWKS_MAX_AGE: duration('JWKS_MAX_AGE', '10m'),
  ACCESS_TOKEN_TTL: duration('ACCESS_TOKEN_TTL', '15m'),
  REFRESH_TOKEN_TTL: duration('REFRESH_TOKEN_TTL', '30d'),
  AUDIT_RETENTION: duration('AUDIT_RETENTION', '365d'),
  BCRYPT_COST: optional.pipe(z.coerce.number<string | undefined>().int().min(4).max(31).optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: optional.transform((value, ctx) => {
    try {
      return parseTrustProxy(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `${(error as Error).message}; use true, false, a hop count or a list of addresses/CIDRs` });
      return z.NEVER;
    }
  }),
  REDIS_URL: optional.pipe(z.url({ protocol: /^rediss?$/ }).optional()),
  // The deepest selection this schema allows is 5 (users.edges.node.sessions.id).
  GRAPHQL_MAX_DEPTH: bound(7),
  GRAPHQL_MAX_ALIASES: bound(15),
  GRAPHQL_MAX_DIRECTIVES: bound(10),
  // The standard introspection query (Apollo Sandbox) is under 200 tokens.
  GRAPHQL_MAX_TOKENS: bound(1000),
  // users(first: 100) with every field but sessions is about 4 100; each user's `sessions` counts
  // as MAX_SESSIONS sessions, so with every session and the default 50, users(first: 4) is about 8 600.
  GRAPHQL_MAX_COST: bound(10_000),
  GRAPHQL_INTROSPECTION: optional.pipe(z.stringbool().optional()),
  MAX_SESSIONS: bound(50),
  METRICS_ENABLED: optional.pipe(z.stringbool().default(true)),
  // A scraper sends it in a header as written: visible ASCII, and too long to guess.
  METRICS_TOKEN: optional.pipe(
    z
      .string()
      .min(32, 'at least 32 characters (e.g. `openssl rand -hex 32`)')
      .regex(/^[\x21-\x7e]+$/, 'visible ASCII characters only, no spaces')
      .optional(),
  ),
  METRICS_PORT: optional.pipe(z.coerce.number<string | undefined>().int().min(0).max(65535).optional()),
  ADMIN_USERNAME: optional,
  ADMIN_EMAIL: optional,
  ADMIN_PASSWORD: optional,
  SMTP_URL: optional.pipe(z.url({ protocol: /^smtps?$/, error: 'SMTP_URL must be an smtp:// or smtps:// URL' }).optional()),
  // A header: a line break in it would let it add headers of its own.
  MAIL_FROM: optional.pipe(z.string().regex(/^[^\r\n]+$/, 'MAIL_FROM must be one line, e.g. "Gatehouse <no-reply@example.com>"').optional()),
  APP_URL: optional.pipe(z.url({ protocol: /^https?$/, error: 'APP_URL must be an http:// or https:// URL' }).optional()),
  REQUIRE_EMAIL_VERIFICATION: optional.pipe(z.stringbool().default(false)),
  APP_ORIGINS: optional.transform((value, ctx) => {
    const origins = (value ?? '').split(',').map((origin) => origin.trim()).filter((origin) => origin !== '');
    const wrong = origins.filter((origin) => !isOrigin(origin));
    if (wrong.length > 0) {
      ctx.addIssue({ code: 'custom', message: `not an origin: ${wrong.join(', ')} (scheme, host and port only, such as https://app.example.com or http://localhost:5173)` });
      return z.NEVER;
    }
    return Object.freeze(origins);
  }),
});

/**
 * Reads and validates the environment. Throws a ConfigError naming every variable that is wrong,
 * so that start-up stops with a message a person can act on.
 */
export function loadConfig(source: Readonly<Record<string, string | undefined>>): Config {
  const parsed = env.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const problems: string[] = [];

  if (production && (e.JWT_SECRET === undefined || Buffer.byteLength(e.JWT_SECRET, 'utf8') < 32)) {
    problems.push('JWT_SECRET: required in production, at least 32 bytes (e.g. `openssl rand -base64 48`)');
  }
  const bcryptCost = e.BCRYPT_COST ?? 12;
  if (production && bcryptCost < 10) {
    problems.push('BCRYPT_COST: must be 10–31 in production');
  }
  if (e.JWKS_MAX_AGE > MAX_JWKS_MAX_AGE_SECONDS) {
    problems.push('JWKS_MAX_AGE: at most 1h (a verifier caching keys longer would learn of a revoked key too late)');
  }
  if (e.SIGNING_KEY_ROTATION < e.JWKS_MAX_AGE) {
    problems.push('SIGNING_KEY_ROTATION: must be at least JWKS_MAX_AGE (a key is published that long before it signs)');
  }
  const adminVars = [e.ADMIN_USERNAME, e.ADMIN_EMAIL, e.ADMIN_PASSWORD];
  const adminSet = adminVars.filter((v) => v !== undefined).length;
  if (adminSet !== 0 && adminSet !== 3) {
    problems.push('ADMIN_USERNAME, ADMIN_EMAIL, ADMIN_PASSWORD: set all three or none');
  }
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT !== 0 && e.METRICS_PORT === e.PORT) {
    problems.push('METRICS_PORT: must differ from PORT (it is a listener of its own, serving /metrics alone)');
  }
  if (production && e.SMTP_URL !== undefined && (e.APP_URL === undefined || e.MAIL_FROM === undefined)) {
    problems.push('APP_URL, MAIL_FROM: required in production when SMTP_URL is set (the links in mails point at APP_URL)');
  }
  if (production && e.SMTP_URL === undefined && e.REQUIRE_EMAIL_VERIFICATION) {
    problems.push('REQUIRE_EMAIL_VERIFICATION: needs SMTP_URL in production (with mail off no address could be verified)');
  }
  if (problems.length > 0) {
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }

  return Object.freeze({
    nodeEnv: e.NODE_ENV,
    production,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    jwtSecret: e.JWT_SECRET,
    jwtIssuer: e.JWT_ISSUER,
    jwtAudience: e.JWT_AUDIENCE,
    jwtAlgorithm: e.JWT_ALGORITHM,
    signingKeyRotationSeconds: e.SIGNING_KEY_ROTATION,
    jwksMaxAgeSeconds: e.JWKS_MAX_AGE,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL,
    refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL,
    auditRetentionSeconds: e.AUDIT_RETENTION,
    bcryptCost,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    redisUrl: e.REDIS_URL,
    graphql: Object.freeze({
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxCost: e.GRAPHQL_MAX_COST,
      maxSessions: e.MAX_SESSIONS,
      introspection: e.GRAPHQL_INTROSPECTION ?? !production,
    }),
    maxSessions: e.MAX_SESSIONS,
    metricsEnabled: e.METRICS_ENABLED,
    metricsToken: e.METRICS_TOKEN,
    metricsPort: e.METRICS_PORT,
    admin:
      adminSet === 3
        ? Object.freeze({ username: e.ADMIN_USERNAME!, email: e.ADMIN_EMAIL!, password: e.ADMIN_PASSWORD! })
        : undefined,
    mail: Object.freeze({
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM ?? 'Gatehouse <gatehouse@localhost>',
      appUrl: (e.APP_URL ?? 'http://localhost:3000').replace(/\/+$/, ''),
      requireEmailVerification: e.REQUIRE_EMAIL_VERIFICATION,
    }),
    appOrigins: e.APP_ORIGINS,
  });
}

/** The one place that touches process.env. */
export function configFromProcess(): Config {
  return loadConfig(process.env);
}
