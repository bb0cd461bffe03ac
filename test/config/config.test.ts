import { ConfigError, loadConfig } from '../../src/config/config';

const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: 's'.repeat(32) };
const ADMIN = { ADMIN_USERNAME: 'root', ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'long enough password' };

/** Matches a ConfigError whose message names `variable`. */
const namingVariable = (variable: string) => expect.objectContaining({ name: 'ConfigError', message: expect.stringContaining(variable) });

describe('loadConfig', () => {
  it('defaults every setting', () => {
    expect(loadConfig({})).toEqual({
      nodeEnv: 'development',
      production: false,
      port: 4000,
      databaseUrl: undefined,
      dataDir: './data',
      jwtSecret: undefined,
      jwtIssuer: 'gatehouse',
      jwtAudience: 'gatehouse',
      jwtAlgorithm: 'ES256',
      signingKeyRotationSeconds: 90 * 86_400,
      jwksMaxAgeSeconds: 600,
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 30 * 86_400,
      auditRetentionSeconds: 365 * 86_400,
      bcryptCost: 12,
      logLevel: 'info',
      trustProxy: false,
      redisUrl: undefined,
      graphql: { maxDepth: 7, maxAliases: 15, maxDirectives: 10, maxTokens: 1000, maxCost: 10_000, maxSessions: 50, introspection: true },
      maxSessions: 50,
      metricsEnabled: true,
      admin: undefined,
      mail: { smtpUrl: undefined, from: 'Gatehouse <gatehouse@localhost>', appUrl: 'http://localhost:3000', requireEmailVerification: false },
      appOrigins: [],
    });
  });

  it('reads every setting it is given', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '8080',
      DATABASE_URL: 'postgres://gate:pw@db.internal:5432/gatehouse',
      DATA_DIR: '/var/lib/gatehouse',
      JWT_SECRET: 'a secret',
      JWT_ISSUER: 'https://auth.example.com',
      JWT_AUDIENCE: 'api',
      JWT_ALGORITHM: 'RS256',
      SIGNING_KEY_ROTATION: '30d',
      JWKS_MAX_AGE: '5m',
      ACCESS_TOKEN_TTL: '5m',
      REFRESH_TOKEN_TTL: '7d',
      AUDIT_RETENTION: '30d',
      BCRYPT_COST: '4',
      LOG_LEVEL: 'warn',
      TRUST_PROXY: 'loopback',
      REDIS_URL: 'redis://:pw@cache.internal:6379/2',
      GRAPHQL_MAX_DEPTH: '8',
      GRAPHQL_MAX_ALIASES: '5',
      GRAPHQL_MAX_DIRECTIVES: '4',
      GRAPHQL_MAX_TOKENS: '500',
      GRAPHQL_MAX_COST: '2000',
      GRAPHQL_INTROSPECTION: 'false',
      MAX_SESSIONS: '5',
      METRICS_ENABLED: 'false',
      SMTP_URL: 'smtps://gate:pw@mail.internal:465',
      MAIL_FROM: 'Gatehouse <no-reply@example.com>',
      APP_URL: 'https://app.example.com/',
      REQUIRE_EMAIL_VERIFICATION: 'true',
      APP_ORIGINS: 'https://app.example.com',
      ...ADMIN,
    });
    expect(config).toEqual({
      nodeEnv: 'test',
      production: false,
      port: 8080,
      databaseUrl: 'postgres://gate:pw@db.internal:5432/gatehouse',
      dataDir: '/var/lib/gatehouse',
      jwtSecret: 'a secret',
      jwtIssuer: 'https://auth.example.com',
      jwtAudience: 'api',
      jwtAlgorithm: 'RS256',
      signingKeyRotationSeconds: 30 * 86_400,
      jwksMaxAgeSeconds: 300,
      accessTokenTtlSeconds: 300,
      refreshTokenTtlSeconds: 7 * 86_400,
      auditRetentionSeconds: 30 * 86_400,
      bcryptCost: 4,
      logLevel: 'warn',
      trustProxy: ['loopback'],
      redisUrl: 'redis://:pw@cache.internal:6379/2',
      graphql: { maxDepth: 8, maxAliases: 5, maxDirectives: 4, maxTokens: 500, maxCost: 2000, maxSessions: 5, introspection: false },
      maxSessions: 5,
      metricsEnabled: false,
      admin: { username: 'root', email: 'root@example.com', password: 'long enough password' },
      mail: { smtpUrl: 'smtps://gate:pw@mail.internal:465', from: 'Gatehouse <no-reply@example.com>', appUrl: 'https://app.example.com', requireEmailVerification: true },
      appOrigins: ['https://app.example.com'],
    });
  });

  it('keeps the JWT secret exactly as given', () => {
    expect(loadConfig({ JWT_SECRET: '  spaced secret  ' }).jwtSecret).toBe('  spaced secret  ');
  });

  it.each(['postgres://localhost/db', 'postgresql://u:p@host:5433/db?sslmode=require'])('accepts DATABASE_URL %s', (url) => {
    expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
  });

  it.each(['DATABASE_URL', 'JWT_SECRET', 'TRUST_PROXY', 'BCRYPT_COST', 'PORT'])('treats an empty %s as unset', (variable) => {
    expect(loadConfig({ [variable]: '' })).toEqual(loadConfig({}));
  });

  it.each([
    ['true', true],
    ['2', 2],
    ['loopback, 10.0.0.0/8', ['loopback', '10.0.0.0/8']],
  ])('reads TRUST_PROXY=%p as Express reads trust proxy', (text, expected) => {
    expect(loadConfig({ TRUST_PROXY: text }).trustProxy).toEqual(expected);
  });

  it.each([
    ['900', 900],
    ['15m', 900],
    ['2h', 7200],
    ['30d', 2_592_000],
    ['45s', 45],
  ])('reads the duration %s as %i seconds', (text, seconds) => {
    const config = loadConfig({ ACCESS_TOKEN_TTL: text, REFRESH_TOKEN_TTL: text });
    expect(config.accessTokenTtlSeconds).toBe(seconds);
    expect(config.refreshTokenTtlSeconds).toBe(seconds);
  });

  it.each([
    ['PORT', 'x'],
    ['PORT', '65536'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['ACCESS_TOKEN_TTL', '5y'],
    ['ACCESS_TOKEN_TTL', '0'],
    ['ACCESS_TOKEN_TTL', '-15m'],
    ['ACCESS_TOKEN_TTL', '1.5h'],
    ['REFRESH_TOKEN_TTL', 'forever'],
    ['REFRESH_TOKEN_TTL', '999999999d'],
    ['TRUST_PROXY', 'garbage'],
    ['TRUST_PROXY', '10.0.0.0/99'],
    ['BCRYPT_COST', '3'],
    ['BCRYPT_COST', '32'],
    ['BCRYPT_COST', 'twelve'],
    ['BCRYPT_COST', '10.5'],
    ['DATABASE_URL', 'http://x'],
    ['DATABASE_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['NODE_ENV', 'staging'],
    ['JWT_ISSUER', ''],
    ['DATA_DIR', ''],
    ['METRICS_ENABLED', 'maybe'],
    ['REDIS_URL', 'http://cache.internal:6379'],
    ['GRAPHQL_MAX_DEPTH', '0'],
    ['GRAPHQL_MAX_ALIASES', '-1'],
    ['GRAPHQL_MAX_DIRECTIVES', '2.5'],
    ['GRAPHQL_MAX_TOKENS', 'many'],
    ['GRAPHQL_MAX_COST', '10000000'],
    ['GRAPHQL_INTROSPECTION', 'maybe'],
    ['MAX_SESSIONS', '0'],
    ['MAX_SESSIONS', '2.5'],
    ['MAX_SESSIONS', 'unlimited'],
    ['JWT_ALGORITHM', 'HS512'],
    ['JWT_ALGORITHM', 'none'],
    ['JWT_ALGORITHM', 'es256'],
    ['JWKS_MAX_AGE', '2h'],
    ['JWKS_MAX_AGE', '0'],
    ['SIGNING_KEY_ROTATION', '5m'],
    ['SIGNING_KEY_ROTATION', 'never'],
  ])('refuses %s=%p, naming it', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(namingVariable(variable));
  });

  it.each([
    [{}, true],
    [{ GRAPHQL_INTROSPECTION: 'false' }, false],
    [PRODUCTION, false],
    [{ ...PRODUCTION, GRAPHQL_INTROSPECTION: 'true' }, true],
  ])('turns introspection on outside production and off in production unless GRAPHQL_INTROSPECTION says otherwise (%#)', (env, expected) => {
    expect(loadConfig(env).graphql.introspection).toBe(expected);
  });

  it('never repeats the password of a refused REDIS_URL', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://:hunter2secret@cache.example.com' })).toThrow(namingVariable('REDIS_URL'));
    expect(() => loadConfig({ REDIS_URL: 'http://:hunter2secret@cache.example.com' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2secret') }),
    );
  });

  it('names every wrong variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'loud' })).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/PORT[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*PORT/) }),
    );
  });

  it.each(['http://gate:hunter2secret@db.example.com/x', 'postgres://gate:hunter2secret@db.example.com:99999/x', 'postgres://gate:hunter2secret@'])(
    'never repeats the password of a refused DATABASE_URL (%#)',
    (url) => {
      expect(() => loadConfig({ DATABASE_URL: url })).toThrow(namingVariable('DATABASE_URL'));
      expect(() => loadConfig({ DATABASE_URL: url })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('hunter2secret') }));
    },
  );

  it('never repeats a JWT_SECRET that is too short for production', () => {
    const secret = 'short-secret-xyz';
    expect(() => loadConfig({ ...PRODUCTION, JWT_SECRET: secret })).toThrow(expect.objectContaining({ message: expect.not.stringContaining(secret) }));
  });

  describe('in production', () => {
    it('starts with a 32-byte secret and the default cost', () => {
      const config = loadConfig(PRODUCTION);
      expect(config.production).toBe(true);
      expect(config.bcryptCost).toBe(12);
    });

    it('refuses to start without JWT_SECRET, naming it', () => {
      expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(namingVariable('JWT_SECRET'));
      expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: '' })).toThrow(namingVariable('JWT_SECRET'));
    });

    it('refuses a 31-byte JWT_SECRET, naming it', () => {
      expect(() => loadConfig({ ...PRODUCTION, JWT_SECRET: 's'.repeat(31) })).toThrow(namingVariable('JWT_SECRET'));
    });

    it('counts the secret in UTF-8 bytes, not characters', () => {
      expect(() => loadConfig({ ...PRODUCTION, JWT_SECRET: `${'é'.repeat(15)}s` })).toThrow(namingVariable('JWT_SECRET'));
      expect(loadConfig({ ...PRODUCTION, JWT_SECRET: 'é'.repeat(16) }).jwtSecret).toBe('é'.repeat(16));
    });

    it.each(['4', '9'])('refuses BCRYPT_COST=%s, naming it', (cost) => {
      expect(() => loadConfig({ ...PRODUCTION, BCRYPT_COST: cost })).toThrow(namingVariable('BCRYPT_COST'));
    });

    it('accepts BCRYPT_COST=10', () => {
      expect(loadConfig({ ...PRODUCTION, BCRYPT_COST: '10' }).bcryptCost).toBe(10);
    });
  });

  it('accepts BCRYPT_COST=4 outside production', () => {
    expect(loadConfig({ NODE_ENV: 'test', BCRYPT_COST: '4' }).bcryptCost).toBe(4);
  });

  describe('ADMIN_*', () => {
    it.each(['ADMIN_USERNAME', 'ADMIN_EMAIL', 'ADMIN_PASSWORD'])('refuses to start when %s alone is missing', (missing) => {
      const partial: Record<string, string> = { ...ADMIN };
      delete partial[missing];
      expect(() => loadConfig(partial)).toThrow(namingVariable(missing));
    });

    it('refuses to start when only one is set', () => {
      expect(() => loadConfig({ ADMIN_USERNAME: 'root' })).toThrow(namingVariable('ADMIN_PASSWORD'));
    });

    it('never repeats ADMIN_PASSWORD in the message', () => {
      expect(() => loadConfig({ ADMIN_PASSWORD: 'long enough password' })).toThrow(
        expect.objectContaining({ message: expect.not.stringContaining('long enough password') }),
      );
    });
  });

  describe('mail', () => {
    const SMTP = { SMTP_URL: 'smtp://mail.internal:587', APP_URL: 'https://app.example.com', MAIL_FROM: 'Gatehouse <no-reply@example.com>' };

    it.each(['http://mail.internal', 'mail.internal:25', 'smtp//x'])('refuses SMTP_URL=%s, naming it', (url) => {
      expect(() => loadConfig({ SMTP_URL: url })).toThrow(namingVariable('SMTP_URL'));
    });

    it('refuses an APP_URL that is not http(s), and a MAIL_FROM of more than one line (a header could be slipped in)', () => {
      expect(() => loadConfig({ APP_URL: 'javascript:alert(1)' })).toThrow(namingVariable('APP_URL'));
      expect(() => loadConfig({ MAIL_FROM: 'a@example.com\r\nBcc: victim@example.com' })).toThrow(namingVariable('MAIL_FROM'));
    });

    it.each(['APP_URL', 'MAIL_FROM'])('in production with SMTP_URL, requires %s', (missing) => {
      const partial: Record<string, string> = { ...PRODUCTION, ...SMTP };
      delete partial[missing];
      expect(() => loadConfig(partial)).toThrow(namingVariable(missing));
      expect(loadConfig({ ...PRODUCTION, ...SMTP }).mail.appUrl).toBe('https://app.example.com');
    });

    it('in production, refuses REQUIRE_EMAIL_VERIFICATION=true with mail off: no address could ever be verified', () => {
      expect(() => loadConfig({ ...PRODUCTION, REQUIRE_EMAIL_VERIFICATION: 'true' })).toThrow(namingVariable('REQUIRE_EMAIL_VERIFICATION'));
      expect(loadConfig({ ...PRODUCTION, ...SMTP, REQUIRE_EMAIL_VERIFICATION: 'true' }).mail.requireEmailVerification).toBe(true);
      expect(loadConfig({ REQUIRE_EMAIL_VERIFICATION: 'true' }).mail.requireEmailVerification).toBe(true);
    });
  });

  describe('APP_ORIGINS', () => {
    it('reads a comma-separated list of origins', () => {
      expect(loadConfig({ APP_ORIGINS: 'https://app.example.com, http://localhost:5173' }).appOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
      expect(loadConfig({ APP_ORIGINS: '' }).appOrigins).toEqual([]);
    });

    it.each(['https://app.example.com/', 'https://app.example.com/account', 'app.example.com', 'ftp://app.example.com', '*', 'https://App.example.com', 'https://app.example.com:443'])(
      'refuses %s: an Origin header is scheme, host and port exactly as a browser sends it',
      (origin) => {
        expect(() => loadConfig({ APP_ORIGINS: `http://localhost:5173,${origin}` })).toThrow(namingVariable('APP_ORIGINS'));
      },
    );
  });

  it('returns a frozen config', () => {
    const config = loadConfig(ADMIN);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.admin)).toBe(true);
    expect(Object.isFrozen(config.mail)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('does not read process.env', () => {
    process.env.PORT = '1234';
    try {
      expect(loadConfig({}).port).toBe(4000);
    } finally {
      delete process.env.PORT;
    }
  });
});
