import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FakeClock } from '../../support/fake-clock';
import { type HttpTestServer, parseLogLines, startTestServer } from '../../support/http-server';
import { newAccount } from '../../support/operations';
import { waitFor } from '../../support/wait-for';
import { hasChromium, launchChromium, startWebApp, type WebApp } from '../../support/web-app';

const describeInChromium = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn('examples/web end-to-end tests skipped: /usr/bin/chromium is missing (apt-get install chromium)');

describeInChromium('examples/web: tabs, and what the browser keeps', () => {
  let app: WebApp;
  let server: HttpTestServer;
  let browser: Browser;
  let context: BrowserContext;
  const tabs: Page[] = [];
  const bodies: string[] = [];
  const clock = new FakeClock(Date.now());
  const account = newAccount('tabs');

  beforeAll(async () => {
    [app, browser] = await Promise.all([startWebApp(), launchChromium()]);
    server = await startTestServer('pglite', { clock, env: { APP_ORIGINS: app.origin } });
    await app.build(`http://localhost:${new URL(server.origin).port}/graphql`);
    context = await browser.newContext({ viewport: { width: 960, height: 720 } });
    // Every answer of Gatehouse the app received, to look for a refresh token in them.
    context.on('response', (response) => {
      if (response.url().endsWith('/graphql') && response.request().method() === 'POST') void response.text().then((text) => bodies.push(text), () => undefined);
    });
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([server?.close(), app?.close()]);
  });

  /** The request log's lines of `operation` logged after line `since`. */
  const logged = (operation: string, since: number) => parseLogLines(server.logLines.slice(since)).filter((line) => line['operation'] === operation);

  it('signs up in one tab; a second tab opens signed in', async () => {
    tabs.push(await context.newPage());
    await tabs[0]!.goto(`${app.origin}/register`);
    await tabs[0]!.fill('input[name=username]', account.username);
    await tabs[0]!.fill('input[name=email]', account.email);
    await tabs[0]!.fill('input[name=password]', account.password);
    await tabs[0]!.click('button[type=submit]');
    await tabs[0]!.getByRole('heading', { name: account.username }).waitFor();

    tabs.push(await context.newPage());
    await tabs[1]!.goto(app.origin);
    await tabs[1]!.getByRole('heading', { name: account.username }).waitFor();
  });

  it('refreshes once for two tabs whose access tokens expired and that act at the same moment, and both stay signed in', async () => {
    const since = server.logLines.length;
    clock.advance(16 * 60_000); // past ACCESS_TOKEN_TTL (15 minutes)
    // Both tabs press Reload at the same instant of the one clock they share.
    const at = Date.now() + 300;
    await Promise.all(
      tabs.map((tab) => tab.evaluate((when) => void setTimeout(() => [...document.querySelectorAll('button')].find((b) => b.textContent === 'Reload')!.click(), when - Date.now()), at)),
    );
    await waitFor(() => logged('Me', since).filter((line) => line['outcome'] === 'ok').length === 2, 'both tabs answered after the refresh');

    // Both were refused for the expired token, and one refresh served them both.
    expect(logged('Me', since).filter((line) => line['outcome'] === 'UNAUTHENTICATED')).toHaveLength(2);
    expect(logged('Refresh', since).map((line) => line['outcome'])).toEqual(['ok']);
    for (const tab of tabs) {
      await tab.getByRole('heading', { name: account.username }).waitFor();
      expect(new URL(tab.url()).pathname).toBe('/');
    }
  });

  it('keeps no token in document.cookie nor in any storage area, and receives no refresh token in a body', async () => {
    const cookie = (await context.cookies()).find((c) => c.name === '__Host-gatehouse_refresh');
    expect(cookie?.httpOnly).toBe(true);
    for (const tab of tabs) {
      const kept = await tab.evaluate(async () => ({
        cookie: document.cookie,
        local: Object.entries(localStorage),
        session: Object.entries(sessionStorage),
        indexedDb: (await indexedDB.databases()).map((db) => db.name),
        caches: await caches.keys(),
      }));
      expect(kept).toEqual({ cookie: '', local: [], session: [], indexedDb: [], caches: [] });
    }
    expect(bodies.length).toBeGreaterThan(3);
    for (const body of bodies) {
      expect(body).not.toContain(cookie!.value);
      expect(body).not.toMatch(/"refreshToken":"/);
    }
  });
});
