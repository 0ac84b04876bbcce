// The account page in a real Chromium: sign in at /account, see a connected application and the sessions, take
// screenshots at phone and desktop widths (no horizontal overflow), remove the application's access, sign out everywhere.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { ClientRecord, UserRecord } from '../../src/store/records.js';
import { CHROME_ON_LINUX, refresh, signInToAccount } from '../support/account.js';
import { authorizeUrl, CODE_VERIFIER } from '../support/authorization.js';
import { browserSkipReason, launchChromium } from '../support/chromium.js';
import { forEachEngine } from '../support/database.js';
import { PASSWORD, seedClient, seedUser } from '../support/login.js';
import { eventually, startLogoutReceiver, type LogoutReceiver } from '../support/logout-receiver.js';
import { useTestServer } from '../support/server.js';

const skip = browserSkipReason();
const SCREENSHOTS = 'test-results/screenshots';

/** Whether the page is wider than its viewport (a horizontal scroll bar); a string, as the tests compile without DOM types. */
const overflows = async (page: Page): Promise<boolean> =>
  (await page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth')) === true;

forEachEngine((engine) => {
  describe(`account page in a browser (${engine.name})`, { skip }, () => {
    const suite = useTestServer(engine, { GATEHOUSE_BACK_CHANNEL_LOGOUT_POLL_INTERVAL: '50' });
    let browser: Browser;
    let receiver: LogoutReceiver;
    let client: ClientRecord;
    let user: UserRecord;

    before(async () => {
      browser = await launchChromium();
      receiver = await startLogoutReceiver();
      user = await seedUser(suite.server.store);
      client = await seedClient(suite.server.store, {
        clientName: 'Photo Printer',
        grantTypes: ['authorization_code', 'refresh_token'],
        scope: 'openid profile offline_access',
        backchannelLogoutUri: receiver.url,
      });
    });
    after(async () => {
      await browser?.close();
      await receiver?.close();
    });

    /** Allows the application in this browser and redeems the code the client's callback received, as the client would. */
    async function connect(page: Page): Promise<string> {
      const redirectUri = client.redirectUris[0]!;
      let callback: URL | undefined;
      // The client's callback is not a real host: the browser's request to it is answered here and its code kept.
      await page.route(`${new URL(redirectUri).origin}/**`, (route) => {
        callback = new URL(route.request().url());
        return route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Photo Printer</title><p>connected</p>' });
      });
      await page.goto(`${suite.server.url}${authorizeUrl(client, { scope: 'openid profile offline_access' })}`);
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(`${redirectUri}**`);
      const code = callback?.searchParams.get('code') ?? '';
      const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: CODE_VERIFIER, client_id: client.clientId });
      const tokens = await fetch(`${suite.server.url}/token`, { method: 'POST', body });
      assert.equal(tokens.status, 200, await tokens.clone().text());
      return ((await tokens.json()) as { refresh_token: string }).refresh_token;
    }

    it('signs in, shows the application and sessions, removes access and signs out everywhere', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${suite.server.url}/account`);
      await page.getByLabel('Username').fill(user.username);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Your account' }).waitFor();
      const refreshToken = await connect(page);
      const elsewhere = await signInToAccount(suite.server, user, undefined, { 'user-agent': CHROME_ON_LINUX });

      await page.goto(`${suite.server.url}/account`);
      await page.getByRole('heading', { name: 'Connected applications' }).waitFor();
      await page.getByRole('heading', { name: 'Photo Printer' }).waitFor();
      const sessions = page.getByRole('region', { name: 'Active sessions' });
      assert.equal(await sessions.getByRole('listitem').count(), 2);
      await sessions.getByText('This device').waitFor();
      await screenshots(page);

      await page.getByRole('button', { name: 'Remove access for Photo Printer' }).click();
      await page.getByRole('status').getByText('Access removed').waitFor();
      assert.equal(await page.getByRole('heading', { name: 'Photo Printer' }).count(), 0);
      assert.equal((await refresh(suite.server, client, refreshToken)).status, 400);
      await eventually('the logout token is delivered', () => receiver.accepted.length > 0);

      await page.getByRole('button', { name: 'Sign out everywhere' }).click();
      await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
      assert.equal((await elsewhere.get('/account')).status, 303, 'the other session ended too');
      await page.goto(`${suite.server.url}/account`);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await context.close();
    });

    /** The account page at phone and desktop widths, written for people to look at; neither scrolls sideways. */
    async function screenshots(page: Page): Promise<void> {
      mkdirSync(SCREENSHOTS, { recursive: true });
      for (const [name, width] of [['phone', 375], ['desktop', 1280]] as const) {
        await page.setViewportSize({ width, height: 900 });
        assert.equal(await overflows(page), false, `no horizontal overflow at ${width} px`);
        const path = `${SCREENSHOTS}/account-${name}-${engine.name}.png`;
        await page.screenshot({ path, fullPage: true });
        assert.ok(existsSync(path), path);
      }
    }
  });
});
