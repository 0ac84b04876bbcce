// `npm run demo` as a person runs it: the printed URL in Chromium, sign-in and consent at Gatehouse, the name and the
// Notes API's data in the web app; sign-out through end_session_endpoint; back-channel logout; a refused refresh token.
import assert from 'node:assert/strict';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { runCli } from '../cli/run-cli.js';
import { browserSkipReason, launchChromium } from '../support/chromium.js';
import { exampleProcessId, startDemo, type DemoProcess } from '../support/demo-process.js';
import { eventually } from '../support/logout-receiver.js';
import { freePort } from '../support/server.js';

const skip = browserSkipReason();
const SCREENSHOTS = 'test-results/screenshots';

describe('npm run demo', { skip }, () => {
  let folder: string;
  let demoEnvironment: NodeJS.ProcessEnv;
  let demo: DemoProcess;
  let appUrl: string;
  let issuer: string;
  let password: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'gatehouse-demo-'));
    demoEnvironment = {
      DEMO_DATA_DIR: join(folder, 'data'),
      DEMO_GATEHOUSE_PORT: String(await freePort()),
      DEMO_WEB_APP_PORT: String(await freePort()),
      DEMO_NOTES_API_PORT: String(await freePort()),
    };
    demo = startDemo(demoEnvironment);
    [, appUrl = ''] = await demo.waitFor(/^Open (http:\/\/\S+)$/m);
    [, password = ''] = await demo.waitFor(/sign in as demo with the password (\S+)/);
    [, issuer = ''] = await demo.waitFor(/^Gatehouse \(dev mode\) (http:\/\/\S+)/m);
    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  /** From the app's welcome page through Gatehouse's login (when asked) and consent (when asked) back to the app. */
  async function signIn({ login, consent }: { login: boolean; consent: 'allow' | 'deny' | 'remembered' }): Promise<void> {
    await page.getByRole('link', { name: /sign in/i }).click();
    if (login) {
      await page.getByLabel(/username/i).fill('demo');
      await page.getByLabel(/password/i).fill(password);
      await page.getByRole('button', { name: /sign in/i }).click();
    }
    if (consent !== 'remembered') await page.getByRole('button', { name: consent === 'allow' ? /allow/i : /deny/i }).click();
    await page.waitForURL((url) => url.origin === new URL(appUrl).origin && url.pathname !== '/login');
  }

  async function screenshot(name: string): Promise<void> {
    for (const [label, width] of [['phone', 375], ['desktop', 1280]] as const) {
      await page.setViewportSize({ width, height: 900 });
      const path = join(SCREENSHOTS, `example-${name}-${label}.png`);
      await page.screenshot({ path, fullPage: true });
      assert.ok(readFileSync(path).length > 0, path);
      // A string, evaluated in the page: this project's TypeScript knows no DOM.
      const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
      assert.ok(overflow <= 0, `${name} at ${width} px overflows by ${overflow} px`);
    }
  }

  const text = async () => (await page.locator('main').textContent()) ?? '';

  it('prints one URL, whose page offers to sign in with Gatehouse', async () => {
    await page.goto(appUrl);
    assert.match(await text(), /Sign in with Gatehouse/);
    await screenshot('welcome');
  });

  it('says so when the person denies access at the consent page', async () => {
    await signIn({ login: true, consent: 'deny' });
    assert.match(await text(), /Access not allowed/);
  });

  it('signs in and shows the name from userinfo and the notes from the Notes API', async () => {
    await signIn({ login: false, consent: 'allow' });
    assert.equal(await page.locator('#user-name').textContent(), 'Demo User');
    assert.match(await text(), /Welcome, demo/);
    await screenshot('home');
  });

  it('sends a signed-in person who opens /login again home, keeping the session', async () => {
    const sessionCookie = async () => (await context.cookies(appUrl)).find((candidate) => candidate.name === 'notes_session')?.value;
    const before = await sessionCookie();
    await page.goto(`${appUrl}/login`);
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(await page.locator('#user-name').textContent(), 'Demo User');
    // Not a new sign-in that Gatehouse's session and remembered consent would finish at once: the same session.
    assert.equal(await sessionCookie(), before);
  });

  /** Back-channel logout tokens Gatehouse has delivered to the web app so far, from its log. */
  function deliveredLogouts(): number {
    const { webApp } = JSON.parse(readFileSync(join(folder, 'data', 'demo.json'), 'utf8')) as { webApp: { clientId: string } };
    return readFileSync(join(folder, 'data', 'logs', 'gatehouse.log'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('"event":"logout.delivered"') && line.includes(`"clientId":"${webApp.clientId}"`)).length;
  }

  it('signs out through end_session_endpoint, revoking its refresh token first, and lands on its signed-out page', async () => {
    await page.getByRole('button', { name: /sign out/i }).click();
    await page.waitForURL(`${appUrl}/signed-out`);
    assert.match(await text(), /You signed out of Notes and of Gatehouse/);
    // Gatehouse records each RFC 7009 revocation of a refresh token, for the client that made it (README: Audit trail).
    const { webApp } = JSON.parse(readFileSync(join(folder, 'data', 'demo.json'), 'utf8')) as { webApp: { clientId: string } };
    await eventually('Gatehouse logged the revocation of the web app\'s refresh token', () =>
      readFileSync(join(folder, 'data', 'logs', 'gatehouse.log'), 'utf8')
        .split('\n')
        .some((line) => line.includes('"event":"refresh_token.revoked"') && line.includes(`"clientId":"${webApp.clientId}"`)),
    );
    await screenshot('signed-out');
  });

  it('signs in a second time: Gatehouse asks for the password again, and remembers the consent', async () => {
    await signIn({ login: true, consent: 'remembered' });
    assert.equal(await page.locator('#user-name').textContent(), 'Demo User');
  });

  it('refuses a sign-out without its form token, an unknown callback and a forged logout token, and keeps the session', async () => {
    // Cookies are not told apart by port: Gatehouse's, on the same host, is there too.
    const cookie = (await context.cookies(appUrl)).find((candidate) => candidate.name === 'notes_session');
    assert.ok(cookie?.httpOnly, 'the session cookie is HttpOnly');
    const form = { 'content-type': 'application/x-www-form-urlencoded', cookie: `notes_session=${cookie.value}` };
    const signOut = await fetch(`${appUrl}/logout`, { method: 'POST', headers: form, body: 'form_token=forged', redirect: 'manual' });
    assert.equal(signOut.status, 403);
    assert.match(await signOut.text(), /Sign-out not confirmed/);
    // As long as the real token in characters, longer in bytes.
    const nonAscii = await fetch(`${appUrl}/logout`, { method: 'POST', headers: form, body: `form_token=${encodeURIComponent('é'.repeat(43))}`, redirect: 'manual' });
    assert.equal(nonAscii.status, 403);
    const callback = await fetch(`${appUrl}/callback?code=c&state=s`);
    assert.equal(callback.status, 400);
    assert.match(await callback.text(), /This sign-in has expired/);
    const { webApp } = JSON.parse(readFileSync(join(folder, 'data', 'demo.json'), 'utf8')) as { webApp: { clientId: string } };
    for (const body of ['', `logout_token=${forgedToken(issuer, webApp.clientId)}`]) {
      const answer = await fetch(`${appUrl}/backchannel-logout`, { method: 'POST', headers: form, body });
      assert.equal(answer.status, 400);
      assert.equal(((await answer.json()) as { error: string }).error, 'invalid_request');
    }
    assert.equal((await fetch(`${appUrl}/nowhere`)).status, 404);
    assert.equal((await fetch(appUrl, { method: 'POST' })).status, 405);
    await page.goto(appUrl);
    assert.equal(await page.locator('#user-name').textContent(), 'Demo User');
  });

  it('has a Notes API that refuses requests without a valid token for it (RFC 6750 §3)', async () => {
    const [, notesApiUrl] = await demo.waitFor(/^Notes API +(http:\/\/\S+)/m);
    const anonymous = await fetch(`${notesApiUrl}/notes`);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="notes"');
    const forged = await fetch(`${notesApiUrl}/notes`, { headers: { authorization: `Bearer ${forgedToken(issuer, 'https://notes.example/')}` } });
    assert.equal(forged.status, 401);
    assert.match(forged.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    assert.equal((await fetch(`${notesApiUrl}/elsewhere`)).status, 404);
  });

  it('still shows the page, without notes, while the Notes API does not answer', async () => {
    const [, notesApiPort] = await demo.waitFor(/^Notes API +http:\/\/localhost:(\d+)/m);
    const notesApi = exampleProcessId('examples/api/server.ts', `PORT=${notesApiPort}`);
    process.kill(notesApi, 'SIGSTOP');
    try {
      await page.goto(appUrl);
      assert.match(await text(), /The Notes API is unavailable right now \(the Notes API could not be reached\)/);
      assert.equal(await page.locator('#user-name').textContent(), 'Demo User');
    } finally {
      process.kill(notesApi, 'SIGCONT');
    }
    await page.goto(appUrl);
    assert.match(await text(), /Welcome, demo/);
  });

  it('loses its session when the Gatehouse session ends in another tab (back-channel logout)', async () => {
    const other = await context.newPage();
    await other.goto(`${issuer}/logout`);
    await other.getByRole('button', { name: /sign out/i }).click();
    await other.close();
    // Gatehouse delivers the logout token from its outbox, so the app learns of it shortly after.
    await eventually('the app shows it was signed out of Gatehouse', async () => {
      await page.goto(appUrl);
      return /You were signed out of Gatehouse — sign in again/.test(await text());
    });
    await page.goto(appUrl);
    assert.doesNotMatch(await text(), /signed out of Gatehouse/, 'said once');
  });

  it('loses access when the person removes it on the account page', async () => {
    await signIn({ login: true, consent: 'remembered' });
    assert.equal(await page.locator('#user-name').textContent(), 'Demo User');
    const logoutsDelivered = deliveredLogouts();
    const account = await context.newPage();
    await account.goto(`${issuer}/account`);
    await account.getByRole('button', { name: 'Remove access for Notes', exact: true }).click();
    await account.getByRole('heading', { name: 'Connected applications' }).waitFor();
    assert.equal(await account.getByRole('button', { name: 'Remove access for Notes', exact: true }).count(), 0, 'Notes is no longer listed');
    await account.close();
    // The app hears it through back-channel logout, or from its refresh token being refused, whichever comes first.
    await eventually('the app shows it lost access', async () => {
      await page.goto(appUrl);
      return /Gatehouse access was removed — sign in again|You were signed out of Gatehouse — sign in again/.test(await text());
    });
    // Both ways reach the app: wait for the logout token too, or it could arrive during the next test and end (by its
    // sid) the session that test signs in to the same Gatehouse session.
    await eventually('Gatehouse delivered the logout token for the removed access', () => deliveredLogouts() > logoutsDelivered);
  });

  it('drops its session and says access was removed when Gatehouse refuses its refresh token', async () => {
    // The Gatehouse session outlived the removal; the consent did not, so it is asked for again.
    await signIn({ login: false, consent: 'allow' });
    assert.equal(await page.locator('#user-name').textContent(), 'Demo User');
    // Deleting the user revokes their tokens without ending sessions through back-channel logout, so the app learns it
    // from the Notes API refusing the access token and the refresh that follows failing with invalid_grant.
    const deleted = await runCli(['users', 'delete', 'demo'], { env: { GATEHOUSE_DATA_DIR: join(folder, 'data') }, cwd: folder });
    assert.equal(deleted.code, 0, deleted.stderr);
    await page.goto(appUrl);
    assert.match(await text(), /Gatehouse access was removed — sign in again/);
    await screenshot('access-removed');
  });

  it('stops Gatehouse, the API and the web app on Ctrl-C', async () => {
    demo.interrupt();
    const { code, signal } = await demo.exited();
    assert.ok(code === 0 || signal === 'SIGINT', `npm ended with ${signal ?? code}; stderr: ${demo.stderr()}`);
    assert.equal(demo.stderr(), '');
    assert.match(demo.stdout(), /Stopping the demo…/);
    await eventually('the demo has exited', () => !demo.running());
    await assert.rejects(fetch(appUrl));
    await assert.rejects(fetch(`${issuer}/healthz`));
  });

  it('on a later run reuses its registration, moving the web app to a new port', async () => {
    const webAppPort = await freePort();
    demo = startDemo({ ...demoEnvironment, DEMO_WEB_APP_PORT: String(webAppPort) });
    const [, printed] = await demo.waitFor(/sign in as demo with the password (\S+)/);
    assert.equal(printed, password);
    const { webApp } = JSON.parse(readFileSync(join(folder, 'data', 'demo.json'), 'utf8')) as { webApp: { clientId: string } };
    const shown = await runCli(['clients', 'show', webApp.clientId, '--json'], { env: { GATEHOUSE_DATA_DIR: join(folder, 'data') }, cwd: folder });
    assert.deepEqual((JSON.parse(shown.stdout) as { redirect_uris: string[] }).redirect_uris, [`http://localhost:${webAppPort}/callback`]);
    appUrl = `http://localhost:${webAppPort}`;
  });

  it('when a child process dies, says which in one line, stops the others and exits non-zero', async () => {
    process.kill(exampleProcessId('examples/web-app/server.ts', `PUBLIC_URL=${appUrl}`), 'SIGKILL');
    const { code } = await demo.exited();
    assert.equal(code, 1);
    assert.match(demo.stderr(), /^demo: The web app stopped \(SIGKILL\); its log: \S+web-app\.log\n$/);
    await eventually('the demo has exited', () => !demo.running());
    await assert.rejects(fetch(`${issuer}/healthz`));
  });
});

/** A JWT shaped like a logout token from `issuer` for `audience`, signed with a key of nobody's. */
function forgedToken(issuer: string, audience: string): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: issuer, aud: audience, iat: now, exp: now + 60, jti: 'j', sub: 's', events: { 'http://schemas.openid.net/event/backchannel-logout': {} } };
  const signingInput = `${encode({ alg: 'RS256', typ: 'logout+jwt' })}.${encode(claims)}`;
  return `${signingInput}.${createSign('sha256').update(signingInput).sign(privateKey).toString('base64url')}`;
}
