// The device verification page in a real Chromium: enter a code as people type it, sign in, see who asks, approve or deny.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, launchChromium } from '../support/chromium.js';
import { forEachEngine } from '../support/database.js';
import { createDeviceClient, pollDeviceToken, startDeviceAuthorization } from '../support/device.js';
import { assertTokenError, createUser } from '../support/flow-fixtures.js';
import { PASSWORD } from '../support/login.js';
import { useTestServer } from '../support/server.js';

const SCREENSHOTS = join('test-results', 'screenshots');
const skip = browserSkipReason();
if (skip) console.log(skip);

forEachEngine((engine) => {
  describe(`device verification in a browser (${engine.name})`, { skip }, () => {
    const suite = useTestServer(engine);
    let browser: Browser;

    before(async () => {
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
    });

    /** Opens the verification page, types the code the way people do (lower case, no dash) and signs in. */
    async function enterCodeAndSignIn(page: Page, userCode: string, username: string): Promise<void> {
      await page.goto(`${suite.server.url}/device`);
      await page.getByLabel('Code').fill(userCode.replace('-', '').toLowerCase());
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByLabel(/username/i).fill(username);
      await page.getByLabel(/password/i).fill(PASSWORD);
      await page.getByRole('button', { name: /sign in/i }).click();
      await page.waitForURL(/\/consent/);
    }

    it('approves: the confirmation names the client and the device, then the device gets its tokens', async () => {
      const as = await createDeviceClient(suite.server);
      const user = await createUser(suite.server);
      const authorization = await startDeviceAuthorization(suite.server, as);
      const context = await browser.newContext();
      const page = await context.newPage();
      await enterCodeAndSignIn(page, authorization.user_code, user.username);
      assert.ok((await page.locator('main').textContent())?.includes(as.client.clientName));
      await page.getByText('A device is asking to connect to your account').waitFor();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.getByRole('heading', { name: "You're all set" }).waitFor();
      assert.match((await page.locator('main').textContent()) ?? '', /Return to your device/);
      assert.equal((await pollDeviceToken(suite.server, as, authorization.device_code)).status, 200);
      await context.close();
    });

    it('denies: the device hears access_denied', async () => {
      const as = await createDeviceClient(suite.server);
      const user = await createUser(suite.server);
      const authorization = await startDeviceAuthorization(suite.server, as);
      const context = await browser.newContext();
      const page = await context.newPage();
      await enterCodeAndSignIn(page, authorization.user_code, user.username);
      await page.getByRole('button', { name: 'Deny' }).click();
      await page.getByRole('heading', { name: 'Device not connected' }).waitFor();
      await assertTokenError(await pollDeviceToken(suite.server, as, authorization.device_code), 'access_denied');
      await context.close();
    });

    for (const [name, width] of [['phone', 375], ['desktop', 1280]] as const) {
      it(`fits a ${name} screen (${width} px) without horizontal scrolling, with the code prefilled from the link`, async () => {
        const as = await createDeviceClient(suite.server);
        const authorization = await startDeviceAuthorization(suite.server, as);
        const context = await browser.newContext({ viewport: { width, height: 800 } });
        const page = await context.newPage();
        await page.goto(authorization.verification_uri_complete.replace(suite.server.config.issuer, suite.server.url));
        assert.equal(await page.getByLabel('Code').inputValue(), authorization.user_code);
        // An expression, not a function: the test's TypeScript has no DOM types.
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        assert.equal(overflow, 0, 'no horizontal overflow');
        await mkdir(SCREENSHOTS, { recursive: true });
        const file = join(SCREENSHOTS, `device-${name}.png`);
        await page.screenshot({ path: file, fullPage: true });
        assert.ok((await stat(file)).size > 0);
        await context.close();
      });
    }
  });
});
