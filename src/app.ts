import { join } from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { createAccessTokens } from './auth/tokens/access-token';
import { DEFAULT_LIMITS, createAttemptLimiter, type LimitSettings } from './auth/limits/attempt-limiter';
import { createAccountDeletion } from './auth/account-deletion';
import { createAuditService } from './auth/audit/audit-service';
import { createAuthService } from './auth/auth-service';
import { createKeyEncryption } from './auth/keys/key-encryption';
import { createKeyRing, type KeyRing } from './auth/keys/key-ring';
import { createSigningKeyService } from './auth/keys/signing-key-service';
import { createMfaService } from './auth/mfa/mfa-service';
import { createSecondFactorService } from './auth/mfa/second-factor-service';
import { createSecretBox } from './auth/mfa/secret-box';
import { createTotp } from './auth/mfa/totp';
import { type Authenticate, createAuthenticate } from './auth/authenticate';
import { BCRYPT_THREAD_NICE, BcryptPool } from './auth/passwords/bcrypt-pool';
import { createPasswordHasher } from './auth/passwords/password';
import { createRevocationList, type RevocationList } from './auth/sessions/revocation';
import { createRevocationSync, type RevocationSync, type SyncLog } from './auth/sessions/revocation-sync';
import type { Services } from './auth/services';
import { createSessionService } from './auth/sessions/session-service';
import { createTokenIssuer } from './auth/tokens/token-issuer';
import { createUserService } from './auth/user-service';
import { createUserCache, type UserCache, type UserCacheSettings } from './auth/users/user-cache';
import type { Clock } from './clock';
import type { Config } from './config/config';
import { type OpenCounterStore, openCounterStore } from './auth/limits/counter-store';
import type { DatabaseHandle } from './db/client';
import type { Listening } from './db/listen';
import { REVOCATION_CHANNEL } from './db/revocation-channel';
import { createAuditSweeper } from './db/audit-sweeper';
import { createSessionSweeper } from './db/session-sweeper';
import { createStore } from './db/store';
import { buildSchema, readTypeDefs } from './graphql/schema';
import { createMetrics, type Metrics } from './observability/metrics';
import { projectRoot } from './config/project-root';
import { createEmailService } from './auth/mail/email-service';
import { createMailLimits, DEFAULT_MAIL_LIMITS, type MailLimitSettings } from './auth/mail/mail-limits';
import type { MailQueue } from './auth/mail/mail-queue';
import { type MailOptions, openMail } from './auth/mail/open-mail';
import { createPasswordResetService } from './auth/mail/password-reset-service';
import { templates } from './auth/mail/templates';
import { createOpenUserSession } from './auth/sessions/open-user-session';
import { createMailTokenSweeper } from './db/mail-tokens';

/** How long past its expiry a token can matter: allows for clock skew between instances. */
const CLOCK_LEEWAY_MS = 60_000;
/** How long, beyond JWKS_MAX_AGE, a new key waits before it signs: every instance hears of it well within this. */
const KEY_PROPAGATION_MS = 2_000;

export const SCHEMA_DIR = join(projectRoot(), 'schema');

export type AppConfig = Pick<
  Config,
  | 'jwtIssuer'
  | 'jwtAudience'
  | 'jwtAlgorithm'
  | 'signingKeyRotationSeconds'
  | 'jwksMaxAgeSeconds'
  | 'accessTokenTtlSeconds'
  | 'refreshTokenTtlSeconds'
  | 'auditRetentionSeconds'
  | 'bcryptCost'
  | 'metricsEnabled'
  | 'redisUrl'
  | 'maxSessions'
> &
  Pick<Config, 'production' | 'dataDir' | 'mail'>;

export interface App {
  readonly services: Services;
  readonly schema: GraphQLSchema;
  readonly authenticate: Authenticate;
  readonly revocations: RevocationList;
  readonly revocationSync: RevocationSync;
  /** The user rows `me` and `user(id)` are served from. */
  readonly userCache: UserCache;
  /** The signing keys in memory: what /.well-known/jwks.json serves. */
  readonly keyRing: KeyRing;
  /** Seconds verifiers may cache the JWKS. */
  readonly jwksMaxAgeSeconds: number;
  readonly database: DatabaseHandle;
  /** This instance's own registry; undefined when METRICS_ENABLED=false. */
  readonly metrics: Metrics | undefined;
  /** Stops listening for other instances' revocations, lets go of Redis and stops the bcrypt threads; the database stays open. */
  stop(): Promise<void>;
}

const SILENT: SyncLog = { info: () => {}, warn: () => {} };

/** The composition root: every piece built from its dependencies, nothing global. */
export async function createApp(deps: {
  config: AppConfig;
  jwtSecret: string;
  database: DatabaseHandle;
  clock: Clock;
  log?: SyncLog;
  typeDefs?: readonly string[];
  /** DEFAULT_LIMITS unless given; tests may shorten the durations. */
  limits?: LimitSettings;
  /** DEFAULT_MAIL_LIMITS unless given. */
  mailLimits?: MailLimitSettings;
  /** How mail is sent, beyond what the configuration says (a test's transport, shorter retries). */
  mail?: MailOptions;
  /** DEFAULT_USER_CACHE unless given; `false` reads every user row from the database (the benchmark's baseline). */
  userCache?: UserCacheSettings | false;
}): Promise<App> {
  const { config, database, clock } = deps;
  // Trusted only while the channel is up and reloaded: until then every read goes to the database.
  let syncTrusted = (): boolean => false;
  const userCache = createUserCache({
    clock,
    settings: deps.userCache || undefined,
    trusted: deps.userCache === false ? () => false : () => syncTrusted(),
  });
  const store = createStore(database.db, (ids) => userCache.changing(ids));
  const retentionMs = config.accessTokenTtlSeconds * 1000 + CLOCK_LEEWAY_MS;
  const revocations = createRevocationList({ clock, retentionMs });
  const log = deps.log ?? SILENT;
  const bcrypt = new BcryptPool(undefined, (policy) => {
    switch (policy) {
      case 'idle':
        return log.info({ bcryptThreads: 'SCHED_IDLE' }, 'bcrypt threads run under SCHED_IDLE');
      case 'nice':
        return log.warn(
          { bcryptThreads: `nice ${BCRYPT_THREAD_NICE}` },
          'bcrypt threads could not get SCHED_IDLE (not Linux, or no chrt): under load, requests may wait behind them',
        );
    }
  });
  let counters: OpenCounterStore | undefined;
  let listening: Listening | undefined;
  let mailQueue: MailQueue | undefined;
  // In the order they were opened, backwards; also when start-up fails half-way, so that nothing
  // (a bcrypt thread, a Redis connection, a LISTEN) outlives a failed createApp.
  let stopKeys = () => {};
  const close = async () => {
    stopKeys();
    mailQueue?.close();
    await listening?.close();
    await counters?.close();
    await bcrypt.close();
  };
  try {
    const passwords = await createPasswordHasher(config.bcryptCost, bcrypt);
    const keyRing = createKeyRing({ jwtSecret: deps.jwtSecret, encryption: createKeyEncryption(deps.jwtSecret), clock, retentionMs });
    const signingKeys = createSigningKeyService({
      repository: store.signingKeys,
      ring: keyRing,
      encryption: createKeyEncryption(deps.jwtSecret),
      policy: {
        algorithm: config.jwtAlgorithm,
        rotationMs: config.signingKeyRotationSeconds * 1000,
        publishMs: config.jwksMaxAgeSeconds * 1000 + KEY_PROPAGATION_MS,
        retentionMs,
      },
      clock,
      log,
    });
    stopKeys = () => signingKeys.stop();
    const accessTokens = createAccessTokens({
      keys: keyRing,
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
      ttlSeconds: config.accessTokenTtlSeconds,
      clock,
    });
    const tokens = createTokenIssuer({ accessTokens, clock, refreshTokenTtlSeconds: config.refreshTokenTtlSeconds });
    counters = await openCounterStore(config.redisUrl, database, clock);
    const limits = createAttemptLimiter({ store: counters, settings: deps.limits ?? DEFAULT_LIMITS, clock });
    const sessionSweeper = createSessionSweeper(database.db, clock, retentionMs);
    const auditSweeper = createAuditSweeper(store.audit, clock, config.auditRetentionSeconds * 1000);
    const mail = openMail(config, log, deps.mail);
    mailQueue = mail.queue;
    const mailDeps = {
      store,
      passwords,
      mailer: mail.mailer,
      limits: createMailLimits({ store: counters, settings: deps.mailLimits ?? DEFAULT_MAIL_LIMITS }),
      attempts: limits,
      clock,
      tokenSweeper: createMailTokenSweeper(database.db, clock),
    };
    const emails = createEmailService({ ...mailDeps, requireEmailVerification: config.mail.requireEmailVerification });
    const totp = createTotp({ clock, issuer: config.jwtIssuer });
    const secrets = createSecretBox(deps.jwtSecret);
    const services: Services = {
      auth: createAuthService({
        store,
        passwords,
        tokens,
        revocations,
        clock,
        limits,
        sessionSweeper,
        maxSessions: config.maxSessions,
        mail: emails.accountMail,
        userCache,
        auditSweeper,
      }),
      sessions: createSessionService({ store, revocations, clock }),
      users: createUserService({ store, passwords, revocations, clock, cache: userCache }),
      signingKeys,
      emails,
      passwordResets: createPasswordResetService({
        ...mailDeps,
        revocations,
        openSession: createOpenUserSession({ store, tokens, revocations, clock, sessionSweeper, maxSessions: config.maxSessions }),
      }),
      mfa: createMfaService({
        store,
        totp,
        secrets,
        limits,
        revocations,
        clock,
        notify: (user, enabled) => mail.mailer.send(enabled ? templates.secondFactorOn(user) : templates.secondFactorOff(user)),
      }),
      secondFactor: createSecondFactorService({ store, totp, secrets, passwords, tokens, limits, clock }),
      audit: createAuditService(store.audit),
      accounts: createAccountDeletion({ store, passwords, limits, revocations, clock }),
    };
    const metrics = config.metricsEnabled ? createMetrics({ revocations }) : undefined;
    const schema = buildSchema(deps.typeDefs ?? readTypeDefs(SCHEMA_DIR), services, metrics?.events, clock);
    // Listen first, then load (the sync reloads whenever listening starts): nothing falls in between.
    const revocationSync = createRevocationSync({ store, revocations, clock, retentionMs, log, keys: signingKeys, users: userCache });
    syncTrusted = revocationSync.trusted;
    listening = await database.listen(REVOCATION_CHANNEL, revocationSync.handlers);
    await signingKeys.start();
    await revocationSync.settled();
    return {
      services,
      schema,
      authenticate: createAuthenticate({ accessTokens, revocations, trusted: revocationSync.trusted, store }),
      revocations,
      revocationSync,
      userCache,
      keyRing,
      jwksMaxAgeSeconds: config.jwksMaxAgeSeconds,
      database,
      metrics,
      stop: close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
