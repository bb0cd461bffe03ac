import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// Millisecond precision so that a timestamp survives a round trip through a JS Date (cursors).
const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

export const roleEnum = pgEnum('role', ['USER', 'ADMIN']);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull(),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: roleEnum('role').notNull().default('USER'),
    disabled: boolean('disabled').notNull().default(false),
    /** Access tokens carry the version they were issued under; bumping it kills all older ones. */
    tokenVersion: integer('token_version').notNull().default(0),
    /** When tokenVersion last moved: lets start-up load only the cut-offs that can still matter. */
    tokensRevokedAt: instant('tokens_revoked_at'),
    /**
     * Bumped by every session the account opens: concurrent openings queue on the row, and one that
     * finds the count moved past what its snapshot saw knows it missed another's session (open-session.ts).
     */
    sessionsOpened: integer('sessions_opened').notNull().default(0),
    /** Set when a link mailed to the address is followed (or a reset link is), and for an ADMIN made at start-up or by user:create. */
    emailVerified: boolean('email_verified').notNull().default(false),
    createdAt: instant('created_at').notNull(),
    /** The confirmed TOTP secret, AES-256-GCM encrypted (src/auth/mfa/secret-box.ts); null: no second factor. */
    totpSecret: text('totp_secret'),
    /** An enrollment awaiting its first code, encrypted the same way; it changes nothing until confirmed. */
    totpPendingSecret: text('totp_pending_secret'),
    /** The last TOTP time step accepted: a code of that step or an earlier one is a replay. */
    totpLastStep: integer('totp_last_step'),
  },
  (t) => [
    uniqueIndex('users_username_lower_key').on(sql`lower(${t.username})`),
    uniqueIndex('users_email_lower_key').on(sql`lower(${t.email})`),
    index('users_created_at_id_idx').on(t.createdAt, t.id),
    index('users_tokens_revoked_at_idx').on(t.tokensRevokedAt),
  ],
);

/** Whether a session still owes its account's second factor (PENDING), gave it (GIVEN), or was never asked (NONE). */
export const secondFactorEnum = pgEnum('second_factor', ['NONE', 'PENDING', 'GIVEN']);

/** A session is one refresh-token family: every rotation stays in it. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: instant('created_at').notNull(),
    lastUsedAt: instant('last_used_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
    revokedAt: instant('revoked_at'),
    /** When the session last proved its password: a refresh keeps it, so tokens carry it as `auth_time`. */
    authTime: instant('auth_time').notNull().defaultNow(),
    /** A refresh keeps it, as it keeps authTime: a pending session stays pending until a code is given. */
    secondFactor: secondFactorEnum('second_factor').notNull().default('NONE'),
    userAgent: text('user_agent'),
    ip: text('ip'),
  },
  (t) => [
    index('sessions_user_id_idx').on(t.userId),
    index('sessions_revoked_at_idx').on(t.revokedAt),
    index('sessions_expires_at_idx').on(t.expiresAt),
    // Opening a session ranks the account's open ones by last use; ended ones stay until they expire.
    index('sessions_open_user_id_last_used_at_idx').on(t.userId, t.lastUsedAt).where(sql`${t.revokedAt} is null`),
  ],
);

/** Only the SHA-256 of a refresh token is stored; spent ones are kept to detect reuse until they expire. */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    createdAt: instant('created_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
    spentAt: instant('spent_at'),
  },
  (t) => [index('refresh_tokens_session_id_idx').on(t.sessionId), index('refresh_tokens_expires_at_idx').on(t.expiresAt)],
);

/**
 * rate-limiter-flexible's counters (RateLimiterDrizzle wants exactly key, points, expire), shared
 * by every instance: consecutive login failures, failures per IP, registrations per IP.
 */
export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    points: integer('points').notNull(),
    expire: instant('expire'),
  },
  (t) => [index('rate_limits_expire_idx').on(t.expire)],
);

export const signingKeyStateEnum = pgEnum('signing_key_state', ['NEXT', 'CURRENT', 'PREVIOUS']);

/**
 * The keys access tokens are signed with. A key pair's private half is stored only encrypted
 * (see src/auth/tokens/key-encryption.ts), so this table alone can mint nothing; the HS256 key
 * is JWT_SECRET itself and its row holds no material at all. Revoked and expired keys are deleted.
 */
export const signingKeys = pgTable(
  'signing_keys',
  {
    kid: text('kid').primaryKey(),
    algorithm: text('algorithm').notNull(),
    state: signingKeyStateEnum('state').notNull(),
    /** The public JWK as published (kty and its public members); null for HS256. */
    publicJwk: jsonb('public_jwk').$type<Record<string, string>>(),
    /** PKCS#8 DER, AES-256-GCM encrypted, base64url; null for HS256. */
    privateKey: text('private_key'),
    createdAt: instant('created_at').notNull(),
    activatedAt: instant('activated_at'),
    retiredAt: instant('retired_at'),
  },
  // Exactly one key signs: a second CURRENT cannot be written, whatever instances race.
  (t) => [uniqueIndex('signing_keys_one_current').on(t.state).where(sql`${t.state} = 'CURRENT'`)],
);

export const mailTokenPurposeEnum = pgEnum('mail_token_purpose', ['RESET_PASSWORD', 'VERIFY_EMAIL', 'CHANGE_EMAIL']);

/**
 * The tokens of links sent by mail: only their SHA-256 is stored, and a token is deleted when it
 * is used, so each works once. `email` is the address the link was sent to: the one a verification
 * confirms, or the new one a change of address sets.
 */
export const mailTokens = pgTable(
  'mail_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: mailTokenPurposeEnum('purpose').notNull(),
    email: text('email').notNull(),
    createdAt: instant('created_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
  },
  (t) => [index('mail_tokens_user_id_purpose_idx').on(t.userId, t.purpose), index('mail_tokens_expires_at_idx').on(t.expiresAt)],
);

/** Only the SHA-256 of a recovery code is stored (src/auth/mfa/recovery-codes.ts says why that is enough); a used one is deleted. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    codeHash: text('code_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [index('recovery_codes_user_id_idx').on(t.userId)],
);

/**
 * Every kind of security event, in the one place that lists them: adding an action is one line
 * here (and its value in the SDL's AuditAction, which a test holds to this list). Stored as text,
 * so a new action needs no migration.
 */
export const AUDIT_ACTIONS = [
  'REGISTERED',
  'LOGGED_IN',
  'LOGIN_FAILED',
  'LOGGED_OUT',
  'LOGGED_OUT_EVERYWHERE',
  'SESSION_REVOKED',
  'REFRESH_TOKEN_REUSED',
  'PASSWORD_CHANGED',
  'PASSWORD_RESET_REQUESTED',
  'PASSWORD_RESET',
  'EMAIL_VERIFIED',
  'EMAIL_CHANGE_REQUESTED',
  'EMAIL_CHANGED',
  'MFA_ENABLED',
  'MFA_DISABLED',
  'MFA_FAILED',
  'RECOVERY_CODE_USED',
  'REAUTHENTICATED',
  'ROLE_CHANGED',
  'DISABLED',
  'ENABLED',
  'ACCOUNT_DELETED',
  'SIGNING_KEY_ROTATED',
  'SIGNING_KEY_REVOKED',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * The audit log. No foreign keys: an account's events outlive the account (deletion keeps them,
 * erasing their IP and agent), and an actor may be deleted before the events it caused.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // The order of recording: events of one instant (one transaction's, say) read back in the order they happened.
    seq: bigint('seq', { mode: 'number' }).generatedByDefaultAsIdentity().notNull(),
    action: text('action').$type<AuditAction>().notNull(),
    at: instant('at').notNull(),
    userId: uuid('user_id'),
    actorId: uuid('actor_id'),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [
    // A user's newest first, and everyone's newest first. NULLS FIRST is what ORDER BY … DESC means:
    // an index whose order differs in that alone does not serve it.
    index('audit_events_user_id_at_seq_idx').on(t.userId, t.at.desc().nullsFirst(), t.seq.desc().nullsFirst()),
    index('audit_events_at_seq_idx').on(t.at.desc().nullsFirst(), t.seq.desc().nullsFirst()),
  ],
);

export type UserRow = typeof users.$inferSelect;
export type AuditEventRow = typeof auditEvents.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type SigningKeyRow = typeof signingKeys.$inferSelect;
export type SigningKeyState = (typeof signingKeyStateEnum.enumValues)[number];
export type MailTokenPurpose = (typeof mailTokenPurposeEnum.enumValues)[number];
export type Role = (typeof roleEnum.enumValues)[number];
export type SecondFactor = (typeof secondFactorEnum.enumValues)[number];
