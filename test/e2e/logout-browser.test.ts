// RP-Initiated and Back-Channel Logout in a real Chromium: an openid-client v6 relying party signs the person in,
// then sends them to end_session_endpoint (buildEndSessionUrl); Gatehouse ends its session, POSTs a logout token
// to the relying party's back-channel receiver, and returns the browser to the registered page with state.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import * as openidClient from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createClient, createUser } from '../support/flow-fixtures.js';
import { browserSkipReason, launchChromium } from '../support/chromium.js';
import { forEachEngine } from '../support/database.js';
import { eventually, startLogoutReceiver, verifyLogoutToken, type LogoutReceiver } from '../support/logout-receiver.js';
import { freePort, useTestServer } from '../support/server.js';

const PASSWORD = 'correct horse battery staple';
const skip = browserSkipReason();

interface RelyingParty {
  readonly url: string;
  /** The ID token of the last completed sign-in. */
  idToken: string | undefined;
  close(): Promise<void>;
}

/** A minimal relying party on openid-client v6 defaults (http allowed on loopback): /start, /callback, /logout, /signed-out. */
async function startRelyingParty(port: number, config: openidClient.Configuration): Promise<RelyingParty> {
  const url = `http://127.0.0.1:${port}`;
  const pending = { codeVerifier: openidClient.randomPKCECodeVerifier(), state: openidClient.randomState(), nonce: openidClient.randomNonce(), logoutState: openidClient.randomState() };
  const rp: RelyingParty = { url, idToken: undefined, close: () => new Promise((resolve) => server.close(() => resolve())) };
  const page = (text: string) => `<!doctype html><title>RP</title><p id="status">${text}</p>`;
  const routes: Record<string, (request: URL) => Promise<{ location?: string; body?: string }>> = {
    '/start': async () => {
      const codeChallenge = await openidClient.calculatePKCECodeChallenge(pending.codeVerifier);
      const parameters = { redirect_uri: `${url}/callback`, scope: 'openid profile', code_challenge: codeChallenge, code_challenge_method: 'S256', state: pending.state, nonce: pending.nonce };
      return { location: openidClient.buildAuthorizationUrl(config, parameters).href };
    },
    '/callback': async (request) => {
      const tokens = await openidClient.authorizationCodeGrant(config, request, { pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state, expectedNonce: pending.nonce });
      rp.idToken = tokens.id_token;
      return { body: page(`signed in as ${tokens.claims()?.sub ?? '?'}`) };
    },
    // With the hint; `?hint=no` sends client_id instead (openid-client adds it), so Gatehouse asks first.
    '/logout': (request) => {
      const hint: Record<string, string> = request.searchParams.get('hint') === 'no' ? {} : { id_token_hint: rp.idToken ?? '' };
      const parameters = { ...hint, post_logout_redirect_uri: `${url}/signed-out`, state: pending.logoutState };
      return Promise.resolve({ location: openidClient.buildEndSessionUrl(config, parameters).href });
    },
    '/signed-out': (request) => Promise.resolve({ body: page(request.searchParams.get('state') === pending.logoutState ? 'signed out, state matches' : 'state mismatch') }),
  };
  const server: Server = createServer((request, response) => {
    const target = new URL(request.url ?? '/', url);
    const route = routes[target.pathname];
    if (route === undefined) return void response.writeHead(404).end();
    route(target).then(
      ({ location, body }) => void (location ? response.writeHead(302, { location }).end() : response.writeHead(200, { 'content-type': 'text/html' }).end(body)),
      (error: unknown) => void response.writeHead(500, { 'content-type': 'text/html' }).end(page(`error: ${String(error)}`)),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return rp;
}

forEachEngine((engine) => {
  describe(`logout in a browser (${engine.name})`, { skip }, () => {
    const suite = useTestServer(engine, { GATEHOUSE_BACK_CHANNEL_LOGOUT_POLL_INTERVAL: '50' });
    let browser: Browser;
    let receiver: LogoutReceiver;
    let rp: RelyingParty;
    let clientId: string;
    let userId: string;

    before(async () => {
      const server = suite.server;
      const port = await freePort();
      receiver = await startLogoutReceiver();
      const { client, secret } = await createClient(server, {
        clientName: 'Logout RP',
        redirectUris: [`http://127.0.0.1:${port}/callback`],
        postLogoutRedirectUris: [`http://127.0.0.1:${port}/signed-out`],
        backchannelLogoutUri: receiver.url,
        scope: 'openid profile',
        grantTypes: ['authorization_code'],
      });
      clientId = client.clientId;
      userId = (await createUser(server)).userId;
      const config = await openidClient.discovery(new URL(server.config.issuer), clientId, undefined, openidClient.ClientSecretBasic(secret!), {
        execute: [openidClient.allowInsecureRequests],
      });
      rp = await startRelyingParty(port, config);
      browser = await launchChromium();
    });
    /** Signs the user in through the relying party's /start, allowing consent when asked, and lands on its callback. */
    async function signInThroughRelyingParty(context: BrowserContext, { consent }: { consent: boolean }): Promise<Page> {
      const username = (await suite.server.store.users.findById(userId))!.username;
      const page = await context.newPage();
      await page.goto(`${rp.url}/start`);
      await page.getByLabel(/username/i).fill(username);
      await page.getByLabel(/password/i).fill(PASSWORD);
      await page.getByRole('button', { name: /sign in/i }).click();
      if (consent) await page.getByRole('button', { name: /allow/i }).click();
      await page.waitForURL(/\/callback/);
      return page;
    }

    after(async () => {
      await browser?.close();
      await rp?.close();
      await receiver?.close();
    });

    it('ends the Gatehouse session, notifies the back-channel receiver and returns to the registered page with state', async () => {
      const server = suite.server;
      const context = await browser.newContext();
      const page = await signInThroughRelyingParty(context, { consent: true });
      assert.equal(await page.locator('#status').textContent(), `signed in as ${userId}`);
      const sid = JSON.parse(Buffer.from(rp.idToken!.split('.')[1]!, 'base64url').toString()) as { sid: string };

      await page.goto(`${rp.url}/logout`);
      await page.waitForURL(/\/signed-out/);
      assert.equal(await page.locator('#status').textContent(), 'signed out, state matches');

      await eventually('the receiver got a logout token', () => receiver.accepted.length === 1);
      const payload = await verifyLogoutToken(receiver.accepted[0]!, server.config.issuer, clientId);
      assert.deepEqual([payload.sub, payload.sid], [userId, sid.sid]);

      await page.goto(`${server.config.issuer}/logout`);
      assert.match((await page.locator('body').textContent()) ?? '', /You are not signed in/);
      await context.close();
    });

    it('without a hint, asks first, naming the client, and the confirmation returns to the registered page', async () => {
      const context = await browser.newContext();
      const page = await signInThroughRelyingParty(context, { consent: false });
      const delivered = receiver.accepted.length;

      await page.goto(`${rp.url}/logout?hint=no`);
      assert.match((await page.locator('body').textContent()) ?? '', /Logout RP asks you to sign out/);
      // The form posts to Gatehouse, whose answer redirects to the relying party: CSP form-action must allow both.
      await page.getByRole('button', { name: /sign out/i }).click();
      await page.waitForURL(/\/signed-out/);
      assert.equal(await page.locator('#status').textContent(), 'signed out, state matches');
      await eventually('the receiver got a second logout token', () => receiver.accepted.length === delivered + 1);
      await context.close();
    });
  });
});
