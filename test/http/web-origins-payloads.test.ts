import { generateSync } from 'otplib';
import { REGISTER } from '../support/documents';
import { FakeClock } from '../support/fake-clock';
import { type HttpTestServer, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';
import { type SmtpSink, startSmtpSink, tokenIn } from '../support/smtp-sink';

const APP = 'https://app.example.com';
const COOKIE = '__Host-gatehouse_refresh';
const PAIR = 'accessToken refreshToken mfaRequired';

/** Each mutation that returns an AuthPayload, sent from the app's origin: the token is a cookie, the body's field null. */
describe('every AuthPayload of a web app origin', () => {
  let sink: SmtpSink;
  let server: HttpTestServer;
  const clock = new FakeClock(Date.now());
  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await startTestServer('pglite', { clock, env: { APP_ORIGINS: APP, APP_URL: APP, SMTP_URL: sink.url } });
  });
  afterAll(async () => {
    await server?.close();
    await sink?.close();
  });

  /** Sends from the app's origin; returns the field's payload and the cookie set, failing on an error. */
  async function fromApp(query: string, field: string, variables: Record<string, unknown> = {}, token?: string): Promise<{ pair: { accessToken: string; refreshToken: string | null; mfaRequired: boolean }; cookie: string }> {
    const headers: Record<string, string> = { 'content-type': 'application/json', origin: APP };
    if (token) headers['authorization'] = `Bearer ${token}`;
    const response = await fetch(server.graphqlUrl, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: Record<string, never> | null; errors?: unknown };
    if (!body.data?.[field]) throw new Error(`${field} failed: ${JSON.stringify(body.errors)}`);
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith(`${COOKIE}=`)) ?? '';
    return { pair: body.data[field], cookie };
  }

  const expectCookieOnly = ({ pair, cookie }: { pair: { refreshToken: string | null }; cookie: string }) => {
    expect(pair.refreshToken).toBeNull();
    expect(cookie).toMatch(new RegExp(`^${COOKIE}=[A-Za-z0-9_-]{43}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=\\d+$`));
  };

  it('register, changePassword, enroll, login, verifyTotp, useRecoveryCode, reauthenticate and resetPassword', async () => {
    const account = newAccount('pairs');
    const registered = await fromApp(REGISTER.replace('accessToken refreshToken user { id }', PAIR), 'register', { input: account });
    expectCookieOnly(registered);

    const newPassword = `${account.password}-2`;
    const changed = await fromApp(`mutation($input: ChangePasswordInput!) { changePassword(input: $input) { ${PAIR} } }`, 'changePassword', { input: { currentPassword: account.password, newPassword } }, registered.pair.accessToken);
    expectCookieOnly(changed);

    const { secret } = (await fromApp('mutation { enrollTotp { secret } }', 'enrollTotp', {}, changed.pair.accessToken)).pair as unknown as { secret: string };
    const code = () => (clock.advance(30_000), generateSync({ secret, epoch: Math.floor(clock.now() / 1000) }));
    const { codes } = (await fromApp('mutation($code: String!) { confirmTotp(code: $code) { codes } }', 'confirmTotp', { code: code() }, changed.pair.accessToken)).pair as unknown as { codes: string[] };

    const login = await fromApp(`mutation($input: LoginInput!) { login(input: $input) { ${PAIR} } }`, 'login', { input: { username: account.username, password: newPassword } });
    expect(login.pair.mfaRequired).toBe(true);
    expectCookieOnly(login);
    const verified = await fromApp(`mutation($code: String!) { verifyTotp(code: $code) { ${PAIR} } }`, 'verifyTotp', { code: code() }, login.pair.accessToken);
    expectCookieOnly(verified);

    const second = await fromApp(`mutation($input: LoginInput!) { login(input: $input) { ${PAIR} } }`, 'login', { input: { username: account.username, password: newPassword } });
    const recovered = await fromApp(`mutation($code: String!) { useRecoveryCode(code: $code) { ${PAIR} } }`, 'useRecoveryCode', { code: codes[0] }, second.pair.accessToken);
    expectCookieOnly(recovered);

    const reauthenticated = await fromApp(`mutation($password: String!, $code: String) { reauthenticate(password: $password, code: $code) { ${PAIR} } }`, 'reauthenticate', { password: newPassword, code: code() }, recovered.pair.accessToken);
    expectCookieOnly(reauthenticated);

    const since = sink.mails.length;
    await fromApp('mutation($email: String!) { requestPasswordReset(email: $email) }', 'requestPasswordReset', { email: account.email });
    const mail = await sink.waitForMail(account.email, /Reset your password/, since);
    const reset = await fromApp(`mutation($token: String!, $newPassword: String!) { resetPassword(token: $token, newPassword: $newPassword) { ${PAIR} } }`, 'resetPassword', { token: tokenIn(mail.text, 'reset-password'), newPassword: `${newPassword}-3` });
    expectCookieOnly(reset);
  });
});
