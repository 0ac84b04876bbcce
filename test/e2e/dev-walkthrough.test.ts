// The README quickstart as a person follows it: `serve --dev`, the printed URL in a browser, the printed exchange.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CODE_VERIFIER, DEMO_REDIRECT_URI } from '../../src/dev/seed-demo.js';
import { browserSkipReason, launchChromium } from '../support/chromium.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { freePort } from '../support/server.js';

const skip = browserSkipReason();
let cwd: string;
let server: ServeProcess;
let port: number;

before(async () => {
  if (skip) return;
  cwd = mkdtempSync(join(tmpdir(), 'gatehouse-walkthrough-'));
  port = await freePort();
  server = startServeProcess(['--dev'], { GATEHOUSE_PORT: String(port), GATEHOUSE_DATA_DIR: join(cwd, 'data') }, cwd);
  await server.waitFor(/Discovery: /);
});
after(async () => {
  if (skip) return;
  server.child.kill('SIGTERM');
  await server.exited();
  rmSync(cwd, { recursive: true, force: true });
});

function printed(pattern: RegExp): string {
  const match = pattern.exec(server.output());
  assert.ok(match?.[1], `${pattern} in ${server.output()}`);
  return match[1];
}

it('runs the printed walkthrough: browser login and consent, then the printed token exchange and userinfo', { skip }, async () => {
  const password = printed(/user: +demo \/ (\S+)/);
  const clientId = printed(/client_id: +(\S+)/);
  const clientSecret = printed(/client_secret: +(\S+)/);
  const authorizationUrl = printed(/^ +(http:\/\/localhost:\d+\/authorize\?\S+)$/m);

  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    // Nothing listens on the demo redirect URI; the browser would show an error page with the code in the address bar.
    let callback: URL | undefined;
    await page.route(`${DEMO_REDIRECT_URI}**`, async (route) => {
      callback = new URL(route.request().url());
      await route.fulfill({ status: 200, contentType: 'text/plain', body: 'callback reached' });
    });
    await page.goto(authorizationUrl);
    await page.getByLabel(/username/i).fill('demo');
    await page.getByLabel(/password/i).fill(password);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.getByRole('button', { name: /allow/i }).click();
    await page.waitForURL(`${DEMO_REDIRECT_URI}**`);
    assert.ok(callback, 'the browser was sent to the demo redirect URI');
    assert.equal(callback.searchParams.get('state'), 'demo');

    const token = await fetch(`http://localhost:${port}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code') ?? '',
        redirect_uri: DEMO_REDIRECT_URI,
        code_verifier: DEMO_CODE_VERIFIER,
      }),
    });
    assert.equal(token.status, 200);
    const tokens = (await token.json()) as { access_token: string; id_token: string; refresh_token: string };
    assert.ok(tokens.id_token && tokens.refresh_token);
    const userinfo = await fetch(`http://localhost:${port}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(((await userinfo.json()) as { preferred_username: string }).preferred_username, 'demo');
  } finally {
    await browser.close();
  }
});
