// The ops dashboard in a real Chromium after scripted traffic over real HTTP: an admin signs in through Gatehouse's
// own login, opens each view and reads the figures the traffic must have produced, then one flow's timeline;
// screenshots for people to look at.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { ClientRecord, UserRecord } from '../../src/store/records.js';
import { connectApplication, signInToAccount } from '../support/account.js';
import { authorizeUrl, CODE_VERIFIER, hiddenFields } from '../support/authorization.js';
import type { BrowserLike } from '../support/browser-like.js';
import { browserSkipReason, launchChromium } from '../support/chromium.js';
import { forEachEngine } from '../support/database.js';
import { PASSWORD, postForm, seedClient, seedUser } from '../support/login.js';
import { useTestServer, type TestServer } from '../support/server.js';

const skip = browserSkipReason();
const SCREENSHOTS = 'test-results/screenshots';

/** Authorizes `client` in `traveller`'s session and answers the consent page; returns where the browser was sent. */
async function decide(server: TestServer, traveller: BrowserLike, client: ClientRecord, decision: 'allow' | 'deny'): Promise<URL> {
  const consent = new URL((await traveller.get(authorizeUrl(client, { prompt: 'consent' }))).headers.get('location') ?? '', server.url);
  assert.equal(consent.pathname, '/consent');
  const fields = hiddenFields(await (await traveller.get(`${consent.pathname}${consent.search}`)).text());
  return new URL((await postForm(traveller, '/consent', { ...fields, decision })).headers.get('location') ?? '');
}

const allowedCode = (redirect: URL): string => redirect.searchParams.get('code') ?? '';

async function exchange(server: TestServer, client: ClientRecord, code: string, codeVerifier = CODE_VERIFIER): Promise<Response> {
  const body = { grant_type: 'authorization_code', code, redirect_uri: client.redirectUris[0]!, code_verifier: codeVerifier, client_id: client.clientId };
  return fetch(`${server.url}/token`, { method: 'POST', body: new URLSearchParams(body) });
}

/**
 * Six authorization requests: two allowed and exchanged, one allowed whose exchange fails PKCE, one allowed whose code
 * is exchanged and then replayed (a security event), one denied, one with an unregistered redirect_uri; and a token
 * request with a code that never existed.
 */
async function scriptTraffic(server: TestServer, person: UserRecord, client: ClientRecord): Promise<void> {
  const traveller = await signInToAccount(server, person);
  await connectApplication(server, traveller, client);
  await connectApplication(server, traveller, client);
  const allowed = await decide(server, traveller, client, 'allow');
  const wrongVerifier = await exchange(server, client, allowedCode(allowed), 'x'.repeat(43));
  assert.equal(wrongVerifier.status, 400);
  const replayed = allowedCode(await decide(server, traveller, client, 'allow'));
  assert.equal((await exchange(server, client, replayed)).status, 200);
  assert.equal((await exchange(server, client, replayed)).status, 400);
  const denied = await decide(server, traveller, client, 'deny');
  assert.equal(denied.searchParams.get('error'), 'access_denied');
  const unregistered = await traveller.get(authorizeUrl(client, { redirect_uri: 'https://elsewhere.example/cb' }));
  assert.equal(unregistered.status, 400);
  assert.equal((await exchange(server, client, 'a-code-that-never-existed')).status, 400);
}

const figure = (page: Page, name: string): Promise<string | null> => page.locator(`[data-figure="${name}"]`).textContent();

/** The rows of the breakdown table under the heading `title`, as [key, count] cells. */
async function tableRows(page: Page, title: string): Promise<string[][]> {
  const rows = await page.locator(`xpath=//h2[normalize-space()="${title}"]/following-sibling::div[1]//tbody/tr`).all();
  return Promise.all(rows.map((row) => row.locator('td').allTextContents()));
}

/** A latency figure in seconds: "5 ms" or "1.25 s". */
function seconds(text: string | null): number {
  const match = /^(\d+(?:\.\d+)?) (ms|s)$/.exec(text ?? '');
  assert.ok(match, `${text} is a latency`);
  return Number(match[1]) / (match[2] === 'ms' ? 1000 : 1);
}

forEachEngine((engine) => {
  describe(`ops dashboard in a browser (${engine.name})`, { skip }, () => {
    const suite = useTestServer(engine);
    let browser: Browser;
    let admin: UserRecord;
    let client: ClientRecord;

    before(async () => {
      browser = await launchChromium();
      admin = await seedUser(suite.server.store, { admin: true });
      client = await seedClient(suite.server.store, { clientName: 'Photo Printer', grantTypes: ['authorization_code', 'refresh_token'], scope: 'openid profile offline_access' });
      await scriptTraffic(suite.server, await seedUser(suite.server.store), client);
      mkdirSync(SCREENSHOTS, { recursive: true });
    });
    after(() => browser?.close());

    async function screenshot(page: Page, name: string): Promise<void> {
      const path = `${SCREENSHOTS}/admin-${name}-${engine.name}.png`;
      await page.screenshot({ path, fullPage: true });
      assert.ok(existsSync(path), path);
    }

    it('signs an admin in from the 401 page, then shows each view with the figures of the traffic', async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const refused = await page.goto(`${suite.server.url}/admin`);
      assert.equal(refused?.status(), 401);
      await page.getByRole('link', { name: 'Sign in' }).click();
      await page.getByLabel('Username').fill(admin.username);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('link', { name: 'Open the ops dashboard' }).click();

      await page.getByRole('heading', { name: 'Executive overview' }).waitFor();
      assert.deepEqual(
        [await figure(page, 'authorization-success'), await figure(page, 'consent-declined'), await figure(page, 'security-events')],
        ['66.7%', '20.0%', '1'],
      );
      assert.deepEqual(await tableRows(page, 'Security events by type'), [['code.replayed', '1']]);
      assert.equal(await page.locator('svg.chart').count(), 3);
      await screenshot(page, 'executive');

      await page.getByRole('link', { name: 'On-call' }).click();
      await page.getByRole('heading', { name: 'On-call' }).waitFor();
      assert.deepEqual(
        [await figure(page, 'token-exchange-success'), await figure(page, 'server-errors'), await figure(page, 'pkce-failures'), await figure(page, 'redirect-uri-errors')],
        ['50.0%', '0.0%', '1', '1'],
      );
      const [p95, p99] = [seconds(await figure(page, 'token-latency-p95')), seconds(await figure(page, 'token-latency-p99'))];
      assert.ok(p95 > 0 && p95 <= p99, `p95 ${p95} s, p99 ${p99} s`);
      assert.deepEqual(await tableRows(page, 'Token errors by code'), [['invalid_grant', '3']]);
      assert.deepEqual(await tableRows(page, 'PKCE failures by stage'), [['token', '1']]);
      await screenshot(page, 'on-call');

      await page.getByRole('link', { name: 'Last day' }).click();
      await page.getByRole('link', { name: 'Last day' }).and(page.locator('[aria-current=page]')).waitFor();
      assert.equal(await figure(page, 'pkce-failures'), '1');

      await page.getByRole('link', { name: 'Debug' }).click();
      const failures = page.locator('#failed-token-requests tbody tr');
      assert.equal(await failures.count(), 3);
      const pkce = failures.filter({ hasText: 'pkce' });
      for (const expected of [client.clientId, 'authorization_code', 'invalid_grant', '127.0.0.1']) await pkce.getByText(expected, { exact: true }).waitFor();
      assert.match((await pkce.locator('td').nth(6).textContent()) ?? '', /\S/, 'the request id is shown');
      await screenshot(page, 'debug');

      // The refused exchange belongs to the flow its code came from: its timeline runs from the code to the refusal.
      await pkce.getByRole('link', { name: 'timeline' }).click();
      await page.getByRole('heading', { name: 'Flow timeline' }).waitFor();
      const steps = await page.locator('#flow-events > li h3').allTextContents();
      assert.ok(steps.indexOf('code.issued') >= 0 && steps.indexOf('code.issued') < steps.indexOf('token.failed'), steps.join(', '));
      await screenshot(page, 'flow');
      await context.close();
    });
  });
});
