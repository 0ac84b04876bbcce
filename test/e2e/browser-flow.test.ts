// The whole authorization code flow in a real Chromium, through relying parties built on standard client libraries.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ClientRegistrationService } from '../../src/clients/registration.js';
import { systemClock } from '../../src/clock.js';
import { EventBus } from '../../src/observability/events.js';
import { UserService } from '../../src/users/service.js';
import { oauth4webapiLibrary, openidClientLibrary, type FlowResult, type RelyingPartyClient } from '../interop/libraries.js';
import { startRelyingParty, type RelyingPartyServer } from '../interop/relying-party.js';
import { browserSkipReason, launchChromium } from '../support/chromium.js';
import { forEachEngine } from '../support/database.js';
import { freePort, useTestServer } from '../support/server.js';

const PASSWORD = 'correct horse battery staple';
const skip = browserSkipReason();
if (skip) console.log(skip);

forEachEngine((engine) => {
  describe(`browser flow (${engine.name})`, { skip }, () => {
    const suite = useTestServer(engine);
    let rp: RelyingPartyServer;
    let browser: Browser;
    let rpClient: RelyingPartyClient;
    /** The same relying party registered a second time, with id_token_signed_response_alg ES256. */
    let es256Client: RelyingPartyClient;
    const userIds = new Map<string, string>();

    before(async () => {
      const rpPort = await freePort();
      const events = new EventBus(() => undefined);
      const context = { actor: 'test' };
      const registration = new ClientRegistrationService({ store: suite.database.store, events, context, clientSecretGracePeriod: 0, clock: systemClock });
      const register = async (clientName: string, idTokenSignedResponseAlg?: string): Promise<RelyingPartyClient> => {
        const redirectUri = `http://127.0.0.1:${rpPort}/callback`;
        const scope = 'openid profile email offline_access';
        const grantTypes = ['authorization_code', 'refresh_token'];
        const { client, clientSecret } = await registration.create({ clientName, clientType: 'confidential', redirectUris: [redirectUri], grantTypes, scope, idTokenSignedResponseAlg });
        const registered = { issuer: suite.server.config.issuer, clientId: client.clientId, clientSecret: clientSecret!, redirectUri, scope };
        return idTokenSignedResponseAlg === undefined ? registered : { ...registered, idTokenSignedResponseAlg };
      };
      rpClient = await register('Interop <RP>');
      es256Client = await register('Interop <RP> ES256', 'ES256');
      const users = new UserService({ store: suite.database.store, events, context, clock: systemClock });
      for (const username of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']) {
        const user = await users.create({ username, password: PASSWORD, email: `${username}@example.com`, name: `${username} Example` });
        userIds.set(username, user.userId);
      }
      rp = await startRelyingParty(rpPort);
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await rp?.close();
    });

    /** Starts a flow at the relying party and returns the pages the browser was shown on the way. */
    async function startFlow(page: Page, extra = ''): Promise<string[]> {
      const visited: string[] = [];
      page.on('framenavigated', (frame) => frame === page.mainFrame() && visited.push(new URL(frame.url()).pathname));
      await page.goto(`${rp.url}/start${extra}`);
      return visited;
    }

    async function logIn(page: Page, username: string): Promise<void> {
      await page.getByLabel(/username/i).fill(username);
      await page.getByLabel(/password/i).fill(PASSWORD);
      await page.getByRole('button', { name: /sign in/i }).click();
    }

    async function resultOf(page: Page): Promise<FlowResult> {
      await page.waitForURL(/\/callback/);
      const error = await page.locator('#error').textContent({ timeout: 100 }).catch(() => null);
      assert.equal(error, null, `the relying party failed: ${error}`);
      return JSON.parse((await page.locator('#result').textContent()) ?? '') as FlowResult;
    }

    async function callbackErrorOf(page: Page): Promise<Record<string, string>> {
      await page.waitForURL(/\/callback/);
      return JSON.parse((await page.locator('#error').textContent()) ?? '') as Record<string, string>;
    }

    function assertValidatedFlow(result: FlowResult, username: string, client = rpClient): void {
      // OpenID Connect Registration §2: RS256 unless the client registered another algorithm, on refresh too.
      const alg = client.idTokenSignedResponseAlg ?? 'RS256';
      assert.deepEqual([result.idTokenAlg, result.refreshedIdTokenAlg], [alg, alg]);
      assert.equal(result.idTokenClaims.sub, userIds.get(username));
      assert.equal(result.idTokenClaims.iss, suite.server.config.issuer);
      assert.equal(result.idTokenClaims.aud, client.clientId);
      assert.equal(result.userinfo.sub, userIds.get(username));
      assert.equal(result.userinfo.preferred_username, username);
      assert.equal(result.userinfo.email, `${username}@example.com`);
      assert.equal(result.userinfo.name, `${username} Example`);
      assert.ok(result.refreshedAccessToken.length > 0);
      assert.notEqual(result.refreshedRefreshToken, result.refreshToken, 'the refresh token rotated');
      assert.equal(result.refreshedIdTokenSub, userIds.get(username));
    }

    for (const [username, makeLibrary, registered] of [
      ['alice', openidClientLibrary, 'default'],
      ['bob', oauth4webapiLibrary, 'default'],
      ['erin', openidClientLibrary, 'ES256'],
      ['frank', oauth4webapiLibrary, 'ES256'],
    ] as const) {
      const signed = registered === 'default' ? 'RS256 ID tokens by default' : 'ES256 ID tokens as registered';
      it(`logs ${username} in and consents, then the ${makeLibrary.name} relying party validates ${signed}, calls userinfo and refreshes`, async () => {
        const client = registered === 'default' ? rpClient : es256Client;
        const library = await makeLibrary(client);
        rp.use(library);
        const context = await browser.newContext();
        const page = await context.newPage();
        await startFlow(page);
        assert.match(await page.locator('body').textContent() ?? '', /Interop <RP>/, 'the login page names the client, escaped');
        await logIn(page, username);
        await page.getByRole('button', { name: /allow/i }).click();
        assertValidatedFlow(await resultOf(page), username, client);
        await context.close();
      });
    }

    it('returns access_denied with state when the person denies consent', async () => {
      rp.use(await openidClientLibrary(rpClient));
      const context = await browser.newContext();
      const page = await context.newPage();
      await startFlow(page);
      await logIn(page, 'carol');
      await page.getByRole('button', { name: /deny/i }).click();
      const error = await callbackErrorOf(page);
      assert.equal(error.error, 'access_denied');
      assert.ok(error.state && error.state.length > 0);
      assert.equal(error.iss, suite.server.config.issuer);
      await context.close();
    });

    describe('one browser across several flows', () => {
      let context: BrowserContext;
      before(async () => {
        context = await browser.newContext();
      });
      after(() => context.close());

      it('answers prompt=none without a session with login_required and shows no page', async () => {
        rp.use(await oauth4webapiLibrary(rpClient));
        const page = await context.newPage();
        const visited = await startFlow(page, '?prompt=none');
        assert.equal((await callbackErrorOf(page)).error, 'login_required');
        assert.ok(!visited.some((path) => path.startsWith('/login')), visited.join(' '));
      });

      it('skips the login page for a second flow in the same browser (SSO) and honours prompt=none', async () => {
        rp.use(await openidClientLibrary(rpClient));
        const first = await context.newPage();
        await startFlow(first);
        await logIn(first, 'dave');
        await first.getByRole('button', { name: /allow/i }).click();
        assertValidatedFlow(await resultOf(first), 'dave');

        for (const extra of ['', '?prompt=none']) {
          const page = await context.newPage();
          const visited = await startFlow(page, extra);
          assertValidatedFlow(await resultOf(page), 'dave');
          assert.ok(!visited.some((path) => path.startsWith('/login') || path.startsWith('/consent')), visited.join(' '));
        }
      });

      it('ends the session at logout, after which prompt=none needs a login again', async () => {
        const page = await context.newPage();
        await page.goto(`${suite.server.config.issuer}/logout`);
        await page.getByRole('button', { name: /sign out/i }).click();
        await page.waitForLoadState();
        assert.match((await page.locator('body').textContent()) ?? '', /signed out/i);
        rp.use(await openidClientLibrary(rpClient));
        await startFlow(page, '?prompt=none');
        assert.equal((await callbackErrorOf(page)).error, 'login_required');
      });
    });
  });
});
