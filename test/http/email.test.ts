import { createUserRepository } from '../../src/db/users';
import { openDatabase } from '../../src/db/client';
import { databaseKinds, describeOnPostgres } from '../support/databases';
import { createScratchDatabase } from '../support/postgres';
import {
  CHANGE_EMAIL,
  CHANGE_PASSWORD,
  type HttpResult,
  LOGIN,
  ME,
  MY_EMAIL,
  REFRESH,
  REGISTER,
  REQUEST_EMAIL_VERIFICATION,
  REQUEST_PASSWORD_RESET,
  RESET_PASSWORD,
  SEND_PASSWORD_RESET,
  VERIFY_EMAIL,
} from '../support/documents';
import { FakeClock } from '../support/fake-clock';
import { type HttpTestServer, payloadOf, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';
import { type SmtpSink, startSmtpSink, tokenIn } from '../support/smtp-sink';
import { freshIp } from '../support/test-app';
import { waitFor } from '../support/wait-for';

const APP_URL = 'https://app.example.com';
const HOUR = 3_600_000;

/** The first error's code and field or reason, or 'OK'. */
const outcome = (result: HttpResult) => {
  const error = result.body.errors?.[0];
  if (!error) return 'OK';
  const { code, field, reason } = error.extensions ?? {};
  return [code, field ?? reason].filter((part) => part !== undefined).join(' ');
};

/** Every mail flow over HTTP against a started server sending to a real SMTP server, on each database. */
describe.each(databaseKinds())('mail flows over HTTP on %s', (kind) => {
  let sink: SmtpSink;
  let server: HttpTestServer;
  const clock = new FakeClock();

  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await startTestServer(kind, { clock, env: { SMTP_URL: sink.url, APP_URL, TRUST_PROXY: 'loopback' } });
  });
  afterAll(async () => {
    await server?.close();
    await sink?.close();
  });

  /** Each request from an IP of its own unless told, so that the per-IP limits stay out of the way. */
  const send = (query: string, variables: Record<string, unknown> = {}, options: { token?: string; ip?: string } = {}) =>
    server.graphql(query, { variables, token: options.token, headers: { 'x-forwarded-for': options.ip ?? freshIp() } });

  async function register(prefix = 'mail') {
    const account = newAccount(prefix);
    const since = sink.mails.length;
    const pair = payloadOf(await send(REGISTER, { input: account }), 'register');
    return { ...account, id: pair.user.id, pair, since };
  }

  /** Asks for a reset of `email` and returns the token of the link mailed for it. */
  async function resetTokenFor(email: string): Promise<string> {
    const since = sink.mails.length;
    const answer = await send(REQUEST_PASSWORD_RESET, { email });
    expect(answer.body).toEqual({ data: { requestPasswordReset: true } });
    return tokenIn((await sink.waitForMail(email, /^Reset your password$/, since)).text, 'reset-password');
  }

  const reset = (token: string, newPassword = 'a new password, long') => send(RESET_PASSWORD, { token, newPassword });

  it('resets a forgotten password from the mailed link: every old session and token ends, the new pair works, a notice follows', async () => {
    const user = await register();
    const second = payloadOf(await send(LOGIN, { input: { username: user.username, password: user.password } }), 'login');
    const token = await resetTokenFor(user.email);
    const mail = sink.mails.find((m) => m.text.includes(token))!;
    expect(mail.text).toContain(`${APP_URL}/reset-password?token=${token}`);
    expect(mail.raw).toMatch(/Content-Type: text\/html/);

    const since = sink.mails.length;
    const answer = await reset(token, 'a brand new password');
    const pair = payloadOf(answer, 'resetPassword');
    expect(pair.user.id).toBe(user.id);
    for (const old of [user.pair, second]) {
      expect(outcome(await send(ME, {}, { token: old.accessToken }))).toBe('UNAUTHENTICATED TOKEN_REVOKED');
      expect(outcome(await send(REFRESH, { refreshToken: old.refreshToken }))).toBe('UNAUTHENTICATED REFRESH_TOKEN_INVALID');
    }
    expect((await send(MY_EMAIL, {}, { token: pair.accessToken })).body.data).toEqual({ me: { email: user.email, emailVerified: true } });
    expect(outcome(await send(LOGIN, { input: { username: user.username, password: user.password } }))).toBe('UNAUTHENTICATED BAD_CREDENTIALS');
    expect(outcome(await send(LOGIN, { input: { username: user.username, password: 'a brand new password' } }))).toBe('OK');
    expect((await sink.waitForMail(user.email, /^Your password was reset$/, since)).text).not.toMatch(/token=/);
  });

  it('refuses every token that does not work with BAD_USER_INPUT on token: unknown, spent, expired, voided, or meant to verify', async () => {
    const user = await register();
    expect(outcome(await reset('x'.repeat(43)))).toBe('BAD_USER_INPUT token');
    expect(outcome(await reset(''))).toBe('BAD_USER_INPUT token');

    const first = await resetTokenFor(user.email);
    const second = await resetTokenFor(user.email);
    expect(outcome(await reset(first))).toBe('BAD_USER_INPUT token');
    expect(outcome(await reset(second))).toBe('OK');
    expect(outcome(await reset(second))).toBe('BAD_USER_INPUT token');

    const verification = tokenIn((await sink.waitForMail(user.email, /^Confirm your email address$/, user.since)).text, 'verify-email');
    expect(outcome(await reset(verification))).toBe('BAD_USER_INPUT token');
    const other = await register();
    const expiring = await resetTokenFor(other.email);
    clock.advance(HOUR + 1000);
    expect(outcome(await reset(expiring))).toBe('BAD_USER_INPUT token');
    // A reset token is not a verification token either.
    expect(outcome(await send(VERIFY_EMAIL, { token: await resetTokenFor(other.email) }))).toBe('BAD_USER_INPUT token');
  });

  it('clears the failed logins counted against the account, from the IP that resets', async () => {
    const user = await register();
    const ip = freshIp();
    for (let i = 0; i < 5; i++) await send(LOGIN, { input: { username: user.username, password: 'wrong password!' } }, { ip });
    expect(outcome(await send(LOGIN, { input: { username: user.username, password: user.password } }, { ip }))).toBe('RATE_LIMITED');
    const token = await resetTokenFor(user.email);
    expect(outcome(await send(RESET_PASSWORD, { token, newPassword: 'reset after lockout' }, { ip }))).toBe('OK');
    expect(outcome(await send(LOGIN, { input: { username: user.username, password: 'reset after lockout' } }, { ip }))).toBe('OK');
  });

  it('verifies the address from the link register mailed; the link works once and for 24 hours', async () => {
    const user = await register();
    const mail = await sink.waitForMail(user.email, /^Confirm your email address$/, user.since);
    const token = tokenIn(mail.text, 'verify-email');
    expect(mail.text).toContain(`${APP_URL}/verify-email?token=${token}`);
    expect((await send(MY_EMAIL, {}, { token: user.pair.accessToken })).body.data).toEqual({ me: { email: user.email, emailVerified: false } });
    expect((await send(VERIFY_EMAIL, { token })).body).toEqual({ data: { verifyEmail: true } });
    expect((await send(MY_EMAIL, {}, { token: user.pair.accessToken })).body.data).toEqual({ me: { email: user.email, emailVerified: true } });
    expect(outcome(await send(VERIFY_EMAIL, { token }))).toBe('BAD_USER_INPUT token');

    const late = await register();
    const lateToken = tokenIn((await sink.waitForMail(late.email, /^Confirm your email address$/, late.since)).text, 'verify-email');
    clock.advance(24 * HOUR + 1000);
    expect(outcome(await send(VERIFY_EMAIL, { token: lateToken }))).toBe('BAD_USER_INPUT token');
  });

  it('mails a new verification link on request, 3 times per account per hour (register’s own mail aside)', async () => {
    const user = await register();
    for (let i = 0; i < 3; i++) expect(outcome(await send(REQUEST_EMAIL_VERIFICATION, {}, { token: user.pair.accessToken }))).toBe('OK');
    const refused = await send(REQUEST_EMAIL_VERIFICATION, {}, { token: user.pair.accessToken });
    expect(refused.body.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    const links = () => sink.mails.filter((m) => m.to.includes(user.email) && /^Confirm your email address$/.test(m.subject)).length;
    await waitForCount(links, 4);
  });

  it('changes the address only once the link mailed to the new one is followed; the old one is told of both', async () => {
    const user = await register();
    const newEmail = `new-${user.email}`;
    const wrong = await send(CHANGE_EMAIL, { newEmail, currentPassword: 'not the password' }, { token: user.pair.accessToken });
    expect(outcome(wrong)).toBe('BAD_USER_INPUT currentPassword');
    const taken = await register();
    expect(outcome(await send(CHANGE_EMAIL, { newEmail: taken.email, currentPassword: user.password }, { token: user.pair.accessToken }))).toBe('CONFLICT email');

    const since = sink.mails.length;
    expect((await send(CHANGE_EMAIL, { newEmail, currentPassword: user.password }, { token: user.pair.accessToken })).body).toEqual({ data: { changeEmail: true } });
    const link = await sink.waitForMail(newEmail, /^Confirm your new email address$/, since);
    expect((await sink.waitForMail(user.email, /^A change of your email address was requested$/, since)).text).toContain(newEmail);
    expect((await send(MY_EMAIL, {}, { token: user.pair.accessToken })).body.data).toEqual({ me: { email: user.email, emailVerified: false } });

    expect(outcome(await send(VERIFY_EMAIL, { token: tokenIn(link.text, 'verify-email') }))).toBe('OK');
    expect((await send(MY_EMAIL, {}, { token: user.pair.accessToken })).body.data).toEqual({ me: { email: newEmail, emailVerified: true } });
    expect((await sink.waitForMail(user.email, /^Your email address was changed$/, since)).text).toContain(newEmail);
    expect(outcome(await send(LOGIN, { input: { username: newEmail, password: user.password } }))).toBe('OK');
  });

  it('checks the new address again when the link is followed: taken meanwhile is CONFLICT', async () => {
    const user = await register();
    const newEmail = `later-${user.email}`;
    const since = sink.mails.length;
    expect(outcome(await send(CHANGE_EMAIL, { newEmail, currentPassword: user.password }, { token: user.pair.accessToken }))).toBe('OK');
    const token = tokenIn((await sink.waitForMail(newEmail, /^Confirm your new email address$/, since)).text, 'verify-email');
    payloadOf(await send(REGISTER, { input: { ...newAccount('thief'), email: newEmail } }), 'register');
    expect(outcome(await send(VERIFY_EMAIL, { token }))).toBe('CONFLICT email');
    expect((await send(MY_EMAIL, {}, { token: user.pair.accessToken })).body.data).toEqual({ me: { email: user.email, emailVerified: false } });
  });

  it('counts a wrong currentPassword of changeEmail as a failed login of the account', async () => {
    const user = await register();
    const ip = freshIp();
    for (let i = 0; i < 5; i++) {
      expect(outcome(await send(CHANGE_EMAIL, { newEmail: `x-${user.email}`, currentPassword: 'wrong password!' }, { token: user.pair.accessToken, ip }))).toBe('BAD_USER_INPUT currentPassword');
    }
    // Out of guesses from this IP: even the right password is now refused.
    expect(outcome(await send(CHANGE_EMAIL, { newEmail: `x-${user.email}`, currentPassword: user.password }, { token: user.pair.accessToken, ip }))).toBe('RATE_LIMITED');
    expect(outcome(await send(LOGIN, { input: { username: user.username, password: user.password } }, { ip }))).toBe('UNAUTHENTICATED BAD_CREDENTIALS');
  });

  it('lets an ADMIN mail a user a reset link, and no one else', async () => {
    const admin = await register('admin');
    await createUserRepository(server.database.db).setRole(admin.id, 'ADMIN', new Date(clock.now()));
    const adminPair = payloadOf(await send(LOGIN, { input: { username: admin.username, password: admin.password } }), 'login');
    const user = await register();
    expect(outcome(await send(SEND_PASSWORD_RESET, { userId: admin.id }, { token: user.pair.accessToken }))).toBe('FORBIDDEN');
    const since = sink.mails.length;
    expect(outcome(await send(SEND_PASSWORD_RESET, { userId: user.id }, { token: adminPair.accessToken }))).toBe('OK');
    const token = tokenIn((await sink.waitForMail(user.email, /^Reset your password$/, since)).text, 'reset-password');
    expect(outcome(await reset(token))).toBe('OK');
    expect(outcome(await send(SEND_PASSWORD_RESET, { userId: '00000000-0000-4000-8000-000000000000' }, { token: adminPair.accessToken }))).toBe('BAD_USER_INPUT userId');
  });

  it('mails a notice when the password is changed', async () => {
    const user = await register();
    const since = sink.mails.length;
    const changed = await send(CHANGE_PASSWORD, { input: { currentPassword: user.password, newPassword: 'changed password!' } }, { token: user.pair.accessToken });
    expect(outcome(changed)).toBe('OK');
    expect((await sink.waitForMail(user.email, /^Your password was changed$/, since)).text).toContain(user.username);
  });

  it('never logs a mail token, a link or a mail body', async () => {
    const user = await register();
    const token = await resetTokenFor(user.email);
    expect(outcome(await reset(token))).toBe('OK');
    const tokens = sink.mails.flatMap((m) => [...m.text.matchAll(/token=([A-Za-z0-9_-]+)/g)].map((match) => match[1]!));
    expect(tokens.length).toBeGreaterThan(5);
    const logs = server.logLines.join('');
    expect(logs).toContain('mail sent: password-reset');
    expect(tokens.filter((t) => logs.includes(t))).toEqual([]);
    expect(logs).not.toMatch(/reset-password|verify-email|Someone asked|Hello /);
  });
});

/** Polls until `count()` reaches `n`, then checks it is exactly `n`. */
async function waitForCount(count: () => number, n: number): Promise<void> {
  await waitFor(() => count() >= n, `${n} mails`);
  expect(count()).toBe(n);
}

describeOnPostgres('a reset on one instance', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let sink: SmtpSink;
  let a: HttpTestServer;
  let b: HttpTestServer;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    sink = await startSmtpSink();
    const open = () => openDatabase({ kind: 'postgres', url: scratch.url, maxConnections: 3 });
    const env = { SMTP_URL: sink.url, TRUST_PROXY: 'loopback' };
    a = await startTestServer(await open(), { env });
    b = await startTestServer(await open(), { env });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await sink?.close();
    await scratch?.drop();
  });

  it('ends the sessions and access tokens of the account on another instance', async () => {
    const account = newAccount('twoinst');
    const headers = () => ({ 'x-forwarded-for': freshIp() });
    payloadOf(await a.graphql(REGISTER, { variables: { input: account }, headers: headers() }), 'register');
    const onB = payloadOf(await b.graphql(LOGIN, { variables: { input: { username: account.username, password: account.password } } }), 'login');
    expect(outcome(await b.graphql(ME, { token: onB.accessToken }))).toBe('OK');

    expect((await a.graphql(REQUEST_PASSWORD_RESET, { variables: { email: account.email }, headers: headers() })).body.data).toEqual({ requestPasswordReset: true });
    const token = tokenIn((await sink.waitForMail(account.email, /^Reset your password$/)).text, 'reset-password');
    payloadOf(await a.graphql(RESET_PASSWORD, { variables: { token, newPassword: 'reset on instance A' } }), 'resetPassword');

    await waitFor(async () => outcome(await b.graphql(ME, { token: onB.accessToken })) === 'UNAUTHENTICATED TOKEN_REVOKED', 'B to refuse the old access token', 1000);
    expect(outcome(await b.graphql(REFRESH, { variables: { refreshToken: onB.refreshToken } }))).toBe('UNAUTHENTICATED REFRESH_TOKEN_INVALID');
  });
});
