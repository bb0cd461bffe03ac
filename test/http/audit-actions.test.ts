import { generateSync } from 'otplib';
import { databaseKinds } from '../support/databases';
import {
  AUDIT_EVENTS,
  CHANGE_EMAIL,
  CHANGE_PASSWORD,
  DELETE_USER,
  type HttpResult,
  LOGIN,
  LOGOUT,
  LOGOUT_ALL,
  REFRESH,
  REGISTER,
  REQUEST_PASSWORD_RESET,
  RESET_PASSWORD,
  REVOKE_SESSION,
  SET_USER_DISABLED,
  SET_USER_ROLE,
  VERIFY_EMAIL,
} from '../support/documents';
import { FakeClock } from '../support/fake-clock';
import { type HttpTestServer, payloadOf, startTestServer } from '../support/http-server';
import { CONFIRM_TOTP, ENROLL_TOTP, LOGIN_MFA, REAUTHENTICATE, USE_RECOVERY_CODE, VERIFY_TOTP } from '../support/mfa';
import { adminOver, REVOKE, ROTATE, SIGNING_KEYS, type KeyView } from '../support/admin-over-http';
import { claimsOf, newAccount } from '../support/operations';
import { type SmtpSink, startSmtpSink, tokenIn } from '../support/smtp-sink';
import { freshIp } from '../support/test-app';

type EventNode = { action: string; userId: string | null; actorId: string | null; ip: string | null; userAgent: string | null };
const JWKS_MAX_AGE_MS = 1000;

/**
 * Every AuditAction, caused over HTTP behind a trusted proxy (TRUST_PROXY=loopback): each request
 * from an IP and user agent of its own, so that each event shows it was recorded with its own
 * request's, for the right account and actor, exactly once.
 */
describe.each(databaseKinds())('every audit action over HTTP on %s', (kind) => {
  let sink: SmtpSink;
  let server: HttpTestServer;
  const clock = new FakeClock();
  let step = 0;

  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await startTestServer(kind, { clock, env: { SMTP_URL: sink.url, APP_URL: 'https://app.example.com', TRUST_PROXY: 'loopback', JWKS_MAX_AGE: '1s' } });
  });
  afterAll(async () => {
    await server?.close();
    await sink?.close();
  });

  /** Sends from a new IP and agent, a second after the last request (so that events are ordered); says which. */
  async function send(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<{ result: HttpResult; ip: string; agent: string }> {
    step += 1;
    clock.advance(1000);
    const [ip, agent] = [freshIp(), `agent-${step}`];
    const result = await server.graphql(query, { variables, token, headers: { 'x-forwarded-for': ip, 'user-agent': agent } });
    return { result, ip, agent };
  }
  const code = (secret: string) => generateSync({ secret, epoch: Math.floor(clock.now() / 1000) });

  it('records each one once, with its account, actor, IP and agent', async () => {
    const admin = await adminOver(server);
    const adminId = claimsOf(admin.accessToken).sub;
    const account = newAccount('audited');
    const expected: [string, string | null, string | null, { ip: string; agent: string }][] = [];
    const expect1 = (action: string, userId: string | null, actorId: string | null, sent: { ip: string; agent: string }) => expected.push([action, userId, actorId, sent]);

    const since = sink.mails.length;
    const registered = await send(REGISTER, { input: account });
    const pair = payloadOf(registered.result, 'register');
    const id = pair.user.id;
    expect1('REGISTERED', id, id, registered);
    expect1('LOGGED_IN', id, id, registered);

    expect1('LOGIN_FAILED', id, null, await send(LOGIN, { input: { username: account.username, password: 'not the password' } }));
    const loggedIn = await send(LOGIN, { input: { username: account.username, password: account.password } });
    let session = payloadOf(loggedIn.result, 'login');
    expect1('LOGGED_IN', id, id, loggedIn);

    const verification = tokenIn((await sink.waitForMail(account.email, /^Confirm your email address$/, since)).text, 'verify-email');
    expect1('EMAIL_VERIFIED', id, id, await send(VERIFY_EMAIL, { token: verification }));

    const newEmail = `new-${account.email}`;
    const changeSince = sink.mails.length;
    expect1('EMAIL_CHANGE_REQUESTED', id, id, await send(CHANGE_EMAIL, { newEmail, currentPassword: account.password }, session.accessToken));
    const change = tokenIn((await sink.waitForMail(newEmail, /^Confirm your new email address$/, changeSince)).text, 'verify-email');
    expect1('EMAIL_CHANGED', id, id, await send(VERIFY_EMAIL, { token: change }));

    const resetSince = sink.mails.length;
    expect1('PASSWORD_RESET_REQUESTED', id, null, await send(REQUEST_PASSWORD_RESET, { email: newEmail }));
    const resetToken = tokenIn((await sink.waitForMail(newEmail, /^Reset your password$/, resetSince)).text, 'reset-password');
    const password = 'a reset password, long enough';
    const reset = await send(RESET_PASSWORD, { token: resetToken, newPassword: password });
    session = payloadOf(reset.result, 'resetPassword');
    expect1('PASSWORD_RESET', id, id, reset);
    expect1('LOGGED_IN', id, id, reset);

    const newPassword = 'a changed password, long enough';
    expect1('LOGIN_FAILED', id, id, await send(CHANGE_PASSWORD, { input: { currentPassword: 'not the password', newPassword } }, session.accessToken));
    const changed = await send(CHANGE_PASSWORD, { input: { currentPassword: password, newPassword } }, session.accessToken);
    session = payloadOf(changed.result, 'changePassword');
    expect1('PASSWORD_CHANGED', id, id, changed);

    const rotated = payloadOf((await send(REFRESH, { refreshToken: session.refreshToken })).result, 'refresh');
    expect1('REFRESH_TOKEN_REUSED', id, null, await send(REFRESH, { refreshToken: session.refreshToken }));
    expect(rotated.accessToken).toBeDefined();

    const other = await send(LOGIN, { input: { username: account.username, password: newPassword } });
    expect1('LOGGED_IN', id, id, other);
    const third = await send(LOGIN, { input: { username: account.username, password: newPassword } });
    expect1('LOGGED_IN', id, id, third);
    session = payloadOf(third.result, 'login');
    expect1('SESSION_REVOKED', id, id, await send(REVOKE_SESSION, { id: claimsOf(payloadOf(other.result, 'login').accessToken).sid }, session.accessToken));

    const enrolled = (await send(ENROLL_TOTP, {}, session.accessToken)).result.body.data?.['enrollTotp'] as { secret: string };
    const confirmed = await send(CONFIRM_TOTP, { code: code(enrolled.secret) }, session.accessToken);
    const codes = (confirmed.result.body.data?.['confirmTotp'] as { codes: string[] }).codes;
    expect1('MFA_ENABLED', id, id, confirmed);

    const pending = await send(LOGIN_MFA, { input: { username: account.username, password: newPassword } });
    expect1('LOGGED_IN', id, id, pending);
    const pendingToken = (pending.result.body.data?.['login'] as { accessToken: string }).accessToken;
    expect1('MFA_FAILED', id, id, await send(VERIFY_TOTP, { code: '000000' }, pendingToken));
    const recovered = await send(USE_RECOVERY_CODE, { code: codes[0] }, pendingToken);
    expect1('RECOVERY_CODE_USED', id, id, recovered);
    const full = (recovered.result.body.data?.['useRecoveryCode'] as { accessToken: string }).accessToken;
    clock.advance(30_000);
    const reauthenticated = await send(REAUTHENTICATE, { password: newPassword, code: code(enrolled.secret) }, full);
    expect1('REAUTHENTICATED', id, id, reauthenticated);
    const fresh = (reauthenticated.result.body.data?.['reauthenticate'] as { accessToken: string }).accessToken;
    expect1('MFA_DISABLED', id, id, await send('mutation { disableMfa }', {}, fresh));

    expect1('LOGGED_OUT', id, id, await send(LOGOUT, { refreshToken: session.refreshToken }));
    expect1('LOGGED_OUT_EVERYWHERE', id, id, await send(LOGOUT_ALL, {}, fresh));

    expect1('ROLE_CHANGED', id, adminId, await send(SET_USER_ROLE, { userId: id, role: 'ADMIN' }, admin.accessToken));
    expect1('DISABLED', id, adminId, await send(SET_USER_DISABLED, { userId: id, disabled: true }, admin.accessToken));
    expect1('ENABLED', id, adminId, await send(SET_USER_DISABLED, { userId: id, disabled: false }, admin.accessToken));
    const ghost = `ghost_${account.username}`.slice(0, 32);
    expect1('LOGIN_FAILED', null, null, await send(LOGIN, { input: { username: ghost, password: 'whatever-was-typed' } }));

    // The keys: a rotation once the NEXT key has been published long enough, then a revocation of the new NEXT.
    clock.advance(JWKS_MAX_AGE_MS + 3000);
    const adminAgain = payloadOf(await server.graphql(LOGIN, { variables: { input: { username: admin.username, password: admin.password } } }), 'login');
    const rotation = await send(ROTATE, {}, adminAgain.accessToken);
    expect(rotation.result.body.errors).toBeUndefined();
    expect1('SIGNING_KEY_ROTATED', null, adminId, rotation);
    const keys = (await server.graphql(SIGNING_KEYS, { token: adminAgain.accessToken })).body.data?.['signingKeys'] as KeyView[];
    const next = keys.find((k) => k.state === 'NEXT')!;
    const revocation = await send(REVOKE, { kid: next.kid }, adminAgain.accessToken);
    expect(revocation.result.body.errors).toBeUndefined();
    expect1('SIGNING_KEY_REVOKED', null, adminId, revocation);

    const read = await server.graphql(AUDIT_EVENTS, { token: adminAgain.accessToken, variables: { first: 100 } });
    const events = (read.body.data?.['auditEvents'] as { edges: { node: EventNode }[] }).edges.map((e) => e.node);
    // Only this test's requests: each has an IP of its own.
    // Events of one request share their instant, so only their order across requests is known: compared per request.
    const ours = events.filter((e) => expected.some(([, , , sent]) => sent.ip === e.ip)).reverse();
    const summary = (e: EventNode) => [e.ip, e.action, e.userId, e.actorId, e.userAgent].join(' ');
    const byRequest = (lines: string[]) => lines.sort((a, b) => order(a) - order(b) || a.localeCompare(b));
    const ips = expected.map(([, , , sent]) => sent.ip);
    const order = (line: string) => ips.indexOf(line.split(' ')[0]!);
    expect(byRequest(ours.map(summary))).toEqual(byRequest(expected.map(([action, userId, actorId, sent]) => [sent.ip, action, userId, actorId, sent.agent].join(' '))));
    expect(JSON.stringify(events)).not.toContain(ghost);

    // Deleted, the account keeps its events, without IP or agent; the deletion itself is the ADMIN's.
    const deletion = await send(DELETE_USER, { userId: id }, adminAgain.accessToken);
    expect(deletion.result.body).toEqual({ data: { deleteUser: true } });
    const after = await server.graphql(AUDIT_EVENTS, { token: adminAgain.accessToken, variables: { userId: id, first: 100 } });
    const kept = (after.body.data?.['auditEvents'] as { edges: { node: EventNode }[] }).edges.map((e) => e.node);
    expect(kept[0]).toEqual(expect.objectContaining({ action: 'ACCOUNT_DELETED', userId: id, actorId: adminId, ip: deletion.ip, userAgent: deletion.agent }));
    expect(kept.slice(1).every((e) => e.ip === null && e.userAgent === null)).toBe(true);
    expect(kept).toHaveLength(expected.filter(([, userId]) => userId === id).length + 1);
  });
});
