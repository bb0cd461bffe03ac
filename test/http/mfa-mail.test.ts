import { generateSync } from 'otplib';
import { databaseKinds } from '../support/databases';
import { type HttpResult, ME, REGISTER, REQUEST_PASSWORD_RESET } from '../support/documents';
import { FakeClock } from '../support/fake-clock';
import { type HttpTestServer, payloadOf, startTestServer } from '../support/http-server';
import { ENROLL_TOTP, CONFIRM_TOTP, VERIFY_TOTP } from '../support/mfa';
import { newAccount } from '../support/operations';
import { type SmtpSink, startSmtpSink, tokenIn } from '../support/smtp-sink';
import { freshIp } from '../support/test-app';

const RESET_PASSWORD = `mutation ResetPassword($token: String!, $newPassword: String!) {
  resetPassword(token: $token, newPassword: $newPassword) { accessToken mfaRequired user { id username } }
}`;
const DISABLE_MFA = 'mutation DisableMfa { disableMfa }';

/** The second factor and mail together: a reset by mail is a way in like login, and the factor's changes are told to the address. */
describe.each(databaseKinds())('the second factor and mail over HTTP on %s', (kind) => {
  let sink: SmtpSink;
  let server: HttpTestServer;
  const clock = new FakeClock();
  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await startTestServer(kind, { clock, env: { SMTP_URL: sink.url, APP_URL: 'https://app.example.com', TRUST_PROXY: 'loopback' } });
  });
  afterAll(async () => {
    await server?.close();
    await sink?.close();
  });

  const send = (query: string, variables: Record<string, unknown> = {}, token?: string) => server.graphql(query, { variables, token, headers: { 'x-forwarded-for': freshIp() } });
  const codeOf = (secret: string) => generateSync({ secret, epoch: Math.floor(clock.now() / 1000) });
  const dataOf = (result: HttpResult, field: string) => {
    expect(result.body.errors).toBeUndefined();
    return result.body.data?.[field] as Record<string, unknown>;
  };

  it('mails a notice when the factor is turned on and off, and a password reset from the mail yields a pair pending the factor', async () => {
    const account = newAccount('mfamail');
    const registered = payloadOf(await send(REGISTER, { input: account }), 'register');
    const { secret } = dataOf(await send(ENROLL_TOTP, {}, registered.accessToken), 'enrollTotp') as { secret: string };
    let since = sink.mails.length;
    dataOf(await send(CONFIRM_TOTP, { code: codeOf(secret) }, registered.accessToken), 'confirmTotp');
    await sink.waitForMail(account.email, /^A second factor was turned on$/, since);
    clock.advance(30_000);

    since = sink.mails.length;
    expect(dataOf(await send(REQUEST_PASSWORD_RESET, { email: account.email }), 'requestPasswordReset')).toBe(true);
    const token = tokenIn((await sink.waitForMail(account.email, /^Reset your password$/, since)).text, 'reset-password');
    const pending = dataOf(await send(RESET_PASSWORD, { token, newPassword: 'a new password, long' }), 'resetPassword') as { accessToken: string; mfaRequired: boolean };
    expect(pending.mfaRequired).toBe(true);
    const me = await send(ME, {}, pending.accessToken);
    expect(me.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'MFA_REQUIRED' });

    const full = dataOf(await send(VERIFY_TOTP, { code: codeOf(secret) }, pending.accessToken), 'verifyTotp') as { accessToken: string; mfaRequired: boolean };
    expect(full.mfaRequired).toBe(false);
    since = sink.mails.length;
    expect(dataOf(await send(DISABLE_MFA, {}, full.accessToken), 'disableMfa')).toBe(true);
    await sink.waitForMail(account.email, /^The second factor was turned off$/, since);
  });
});
