import { databaseKinds } from '../support/databases';
import { REGISTER, VERIFY_EMAIL } from '../support/documents';
import { login, newAccount, outcomeOf, pairOf } from '../support/operations';
import { type SmtpSink, startSmtpSink, tokenIn } from '../support/smtp-sink';
import { createTestApp, freshIp, type TestApp } from '../support/test-app';

/** REQUIRE_EMAIL_VERIFICATION=true: an account signs in only once its address is confirmed. */
describe.each(databaseKinds())('with REQUIRE_EMAIL_VERIFICATION=true on %s', (kind) => {
  let sink: SmtpSink;
  let t: TestApp;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await createTestApp(kind, { SMTP_URL: sink.url, REQUIRE_EMAIL_VERIFICATION: 'true' });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it('register creates the account and mails the link, but answers FORBIDDEN EMAIL_NOT_VERIFIED with no session', async () => {
    const account = newAccount('unverified');
    const since = sink.mails.length;
    const registered = await t.execute(REGISTER, { variables: { input: account }, ip: freshIp() });
    expect(registered.data).toBeNull();
    expect(registered.errors).toEqual([expect.objectContaining({ path: ['register'], extensions: { code: 'FORBIDDEN', reason: 'EMAIL_NOT_VERIFIED' } })]);
    const mail = await sink.waitForMail(account.email, /^Confirm your email address$/, since);

    // A correct password is told the same; a wrong one is still just wrong.
    expect(outcomeOf(await login(t, account.username, account.password))).toBe('EMAIL_NOT_VERIFIED');
    expect(outcomeOf(await login(t, account.username, 'not the password'))).toBe('BAD_CREDENTIALS');
    // The account exists: its name is taken.
    expect(outcomeOf(await t.execute(REGISTER, { variables: { input: account }, ip: freshIp() }))).toBe('CONFLICT');

    expect(outcomeOf(await t.execute(VERIFY_EMAIL, { variables: { token: tokenIn(mail.text, 'verify-email') } }))).toBe('OK');
    expect(pairOf(await login(t, account.username, account.password), 'login').accessToken).toEqual(expect.any(String));
  });

  it('counts an ADMIN made at start-up or by user:create as verified', async () => {
    const bootstrap = newAccount('boot');
    const created = await t.app.services.users.ensureAdmin(bootstrap);
    expect(created).toMatchObject({ action: 'created', user: { emailVerified: true } });
    expect(outcomeOf(await login(t, bootstrap.username, bootstrap.password))).toBe('OK');

    const cli = newAccount('cli');
    await t.app.services.users.create({ ...cli, role: 'ADMIN' });
    expect(outcomeOf(await login(t, cli.username, cli.password))).toBe('OK');
    const user = newAccount('cliuser');
    await t.app.services.users.create({ ...user, role: 'USER' });
    expect(outcomeOf(await login(t, user.username, user.password))).toBe('EMAIL_NOT_VERIFIED');
  });
});
