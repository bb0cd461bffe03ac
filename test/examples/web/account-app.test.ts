import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateSync } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FakeClock } from '../../support/fake-clock';
import { type HttpTestServer, startTestServer } from '../../support/http-server';
import { newAccount } from '../../support/operations';
import { type SmtpSink, startSmtpSink, tokenIn } from '../../support/smtp-sink';
import { hasChromium, launchChromium, startWebApp, type WebApp } from '../../support/web-app';

const SCREENSHOTS = resolve(__dirname, '../../../docs/screenshots');
const describeInChromium = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn('examples/web end-to-end tests skipped: /usr/bin/chromium is missing (apt-get install chromium)');

describeInChromium('examples/web in Chromium, against a started Gatehouse', () => {
  let app: WebApp;
  let sink: SmtpSink;
  let server: HttpTestServer;
  let browser: Browser;
  // The server's clock: each TOTP code is of its time, and moving it 30 s gives the next code.
  const clock = new FakeClock(Date.now());
  const account = newAccount('web');
  // The account's password of the moment: the reset below changes it.
  let password = account.password;
  let secret = '';
  let first: { context: BrowserContext; page: Page };

  beforeAll(async () => {
    [app, sink, browser] = await Promise.all([startWebApp(), startSmtpSink(), launchChromium()]);
    server = await startTestServer('pglite', { clock, env: { APP_ORIGINS: app.origin, APP_URL: app.origin, SMTP_URL: sink.url } });
    await app.build(`http://localhost:${new URL(server.origin).port}/graphql`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    first = await open();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([server?.close(), sink?.close(), app?.close()]);
  });

  async function open(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 960, height: 720 } });
    return { context, page: await context.newPage() };
  }

  const nextCode = () => {
    clock.advance(30_000);
    return generateSync({ secret, epoch: Math.floor(clock.now() / 1000) });
  };

  async function logIn(page: Page, typed = password): Promise<void> {
    await page.goto(`${app.origin}/login`);
    await page.fill('input[name=username]', account.username);
    await page.fill('input[name=password]', typed);
    await page.click('button[type=submit]');
  }

  async function expectAccountPage(page: Page): Promise<void> {
    await page.getByRole('heading', { name: account.username }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
  }

  it('signs up, and verifies the address from the mail', async () => {
    const { page } = first;
    await page.goto(`${app.origin}/register`);
    await page.fill('input[name=username]', account.username);
    await page.fill('input[name=email]', account.email);
    await page.fill('input[name=password]', account.password);
    await page.click('button[type=submit]');
    await expectAccountPage(page);
    await page.getByText('not verified').waitFor();

    const mail = await sink.waitForMail(account.email, /Confirm your email address/);
    const link = `${app.origin}/verify-email?token=${tokenIn(mail.text, 'verify-email')}`;
    expect(mail.text).toContain(link);
    await page.goto(link);
    await page.getByText('Your address is confirmed.').waitFor();
    await page.getByRole('link', { name: 'Go to your account' }).click();
    await page.getByTestId('email-verified').waitFor();
  });

  it('keeps the refresh token in an httpOnly cookie the browser accepted over http://localhost', async () => {
    const cookies = await first.context.cookies();
    const refresh = cookies.find((c) => c.name === '__Host-gatehouse_refresh');
    expect(refresh).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/', domain: 'localhost' });
    expect(refresh!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('logs out, logs back in, and stays in across a reload', async () => {
    const { page } = first;
    await page.locator('header').getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    expect((await first.context.cookies()).find((c) => c.name === '__Host-gatehouse_refresh')).toBeUndefined();
    await page.screenshot({ path: join(SCREENSHOTS, 'login.png') });

    await logIn(page);
    await expectAccountPage(page);
    await page.reload();
    await expectAccountPage(page);
    await page.getByText('this device').waitFor();
  });

  it('enrolls a second factor from the QR code, and logs in with it', async () => {
    const { page } = first;
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    await page.getByTestId('totp-qr').locator('svg').waitFor();
    secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'totp-enrollment.png'), fullPage: true });
    await page.fill('input[name=code]', nextCode());
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByTestId('recovery-codes').waitFor();
    expect(await page.getByTestId('recovery-codes').locator('li').count()).toBe(10);

    await page.locator('header').getByRole('button', { name: 'Log out' }).click();
    await logIn(page);
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    await page.fill('input[name=code]', nextCode());
    await page.click('button[type=submit]');
    await expectAccountPage(page);
  });

  it('revokes the session of another browser, which is sent to the login page', async () => {
    const second = await open();
    try {
      await logIn(second.page);
      await second.page.fill('input[name=code]', nextCode());
      await second.page.click('button[type=submit]');
      await expectAccountPage(second.page);

      const { page } = first;
      await page.getByRole('button', { name: 'Reload' }).click();
      await page.locator('[data-testid=session]').nth(1).waitFor();
      expect(await page.locator('[data-testid=session][data-current=true]').count()).toBe(1);
      await page.screenshot({ path: join(SCREENSHOTS, 'account.png'), fullPage: true });
      await page.locator('[data-testid=session][data-current=false]').getByRole('button', { name: 'Revoke' }).click();
      await page.locator('[data-testid=session]').nth(1).waitFor({ state: 'detached' });

      await second.page.getByRole('button', { name: 'Reload' }).click();
      await second.page.getByRole('heading', { name: 'Log in' }).waitFor();
      expect(new URL(second.page.url()).pathname).toBe('/login');
    } finally {
      await second.context.close();
    }
  });

  it('resets a forgotten password from the mail', async () => {
    const { context, page } = await open();
    try {
      await page.goto(`${app.origin}/login`);
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      const since = sink.mails.length;
      await page.fill('input[name=email]', account.email);
      await page.click('button[type=submit]');
      await page.getByText('a link to choose a new password is on its way').waitFor();

      const mail = await sink.waitForMail(account.email, /Reset your password/, since);
      await page.goto(`${app.origin}/reset-password?token=${tokenIn(mail.text, 'reset-password')}`);
      const newPassword = `${account.password}-new`;
      await page.fill('input[name=newPassword]', newPassword);
      await page.click('button[type=submit]');
      // The account has a second factor: the reset's session awaits it, as a login's does.
      await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
      await page.fill('input[name=code]', nextCode());
      await page.click('button[type=submit]');
      await expectAccountPage(page);

      // The reset ended every other session: the first browser is signed out at its next request.
      await first.page.getByRole('button', { name: 'Reload' }).click();
      await first.page.getByRole('heading', { name: 'Log in' }).waitFor();
      await logIn(first.page, newPassword);
      await first.page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
      await first.page.fill('input[name=code]', nextCode());
      await first.page.click('button[type=submit]');
      await expectAccountPage(first.page);
      password = newPassword;
    } finally {
      await context.close();
    }
  });

  it("lists the account's own activity, newest first", async () => {
    const { page } = first;
    await page.getByRole('link', { name: 'Activity' }).click();
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    const events = page.getByTestId('audit-event');
    await events.first().waitFor();
    const actions = await events.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')));
    // Newest first: this sign-in, the reset's, then what the first browser did before it.
    expect(actions[0]).toBe('LOGGED_IN');
    expect(actions).toEqual(expect.arrayContaining(['PASSWORD_RESET', 'PASSWORD_RESET_REQUESTED', 'SESSION_REVOKED', 'MFA_ENABLED', 'EMAIL_VERIFIED', 'LOGGED_OUT']));
    expect(actions.at(-1)).toBe('REGISTERED');
    await page.screenshot({ path: join(SCREENSHOTS, 'activity.png'), fullPage: true });
  });

  it('deletes the account after its password, and is sent to the login page, where it can no longer log in', async () => {
    const { context, page } = first;
    await page.getByRole('link', { name: 'Security' }).click();
    await page.fill('input[name=deletePassword]', 'not-the-password');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.getByRole('alert').waitFor();

    await page.fill('input[name=deletePassword]', password);
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    expect((await context.cookies()).find((c) => c.name === '__Host-gatehouse_refresh')).toBeUndefined();

    await logIn(page);
    await page.getByRole('alert').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
  });
});
