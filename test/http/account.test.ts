// The account page: signing in without an application, connected applications and "Remove access", and every way a
// form is refused (no or a wrong anti-CSRF token, a cross-site origin, an application that is not connected).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import type { ClientRecord } from '../../src/store/records.js';
import { CHROME_ON_LINUX, connectApplication, openAccount, refresh, signInToAccount } from '../support/account.js';
import { assertErrorPage, assertPageHeaders, authorizeUrl, plantSession } from '../support/authorization.js';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { createApi } from '../support/apis.js';
import { auditEvents } from '../support/flow-fixtures.js';
import { postForm, seedClient, seedUser } from '../support/login.js';
import { eventually, startLogoutReceiver, verifyLogoutToken, type LogoutReceiver } from '../support/logout-receiver.js';
import { useTestServer } from '../support/server.js';

const REMOVE = '/account/applications/remove';

forEachEngine((engine) => {
  describe(`account page and connected applications (${engine.name})`, () => {
    const suite = useTestServer(engine, { GATEHOUSE_BACK_CHANNEL_LOGOUT_POLL_INTERVAL: '50' });
    let receiver: LogoutReceiver;
    before(async () => (receiver = await startLogoutReceiver()));
    after(() => receiver.close());

    const seedApplication = (name: string): Promise<ClientRecord> =>
      seedClient(suite.server.store, {
        clientName: name,
        grantTypes: ['authorization_code', 'refresh_token'],
        scope: 'openid profile offline_access',
        backchannelLogoutUri: receiver.url,
      });

    it('signs a person in without any application and shows their account, escaped, as a secure page', async () => {
      const user = await seedUser(suite.server.store, { username: `ada<&>${Date.now()}` });
      const browser = new BrowserLike(suite.server.url);
      const start = await browser.get('/account');
      const login = await browser.get(new URL(start.headers.get('location') ?? '').pathname + new URL(start.headers.get('location') ?? '').search);
      assert.match(await login.text(), /to continue to <strong>your Gatehouse account<\/strong>/);
      await signInToAccount(suite.server, user, browser, { 'user-agent': CHROME_ON_LINUX });
      const { response, page } = await openAccount(browser);
      assertPageHeaders(response);
      assert.ok(page.includes(`Signed in as <strong>ada&lt;&amp;&gt;${user.username.slice(6)}</strong>`));
      assert.match(page, /<h2 id="applications-heading">Connected applications<\/h2>/);
      assert.match(page, /<h2 id="sessions-heading">Active sessions<\/h2>/);
      assert.match(page, /Chrome on Linux<span class="badge">This device<\/span>/);
      assert.match(page, /IP address 127\.0\.0\.1/);
      assert.match(page, /No application has access to your account/);
    });

    it('an account sign-in cannot be resumed as an authorization request or consented to', async () => {
      const browser = new BrowserLike(suite.server.url);
      const start = new URL((await browser.get('/account')).headers.get('location') ?? '');
      const interaction = start.searchParams.get('interaction') ?? '';
      await assertErrorPage(await browser.get(`/authorize/resume?interaction=${interaction}`));
      await assertErrorPage(await browser.get(`/consent?interaction=${interaction}`));
    });

    it('lists a connected application in plain words; "Remove access" revokes it, logs the client out and asks consent again', async () => {
      const user = await seedUser(suite.server.store);
      const client = await seedApplication(`Photo <Printer> ${Date.now()}`);
      const browser = await signInToAccount(suite.server, user);
      const tokens = await connectApplication(suite.server, browser, client);
      const { page, csrfToken } = await openAccount(browser);
      assert.ok(page.includes(`<h3>Photo &lt;Printer&gt; ${client.clientName.slice(16)}</h3>`));
      assert.ok(page.includes(`aria-label="Remove access for Photo &lt;Printer&gt; ${client.clientName.slice(16)}"`));
      assert.match(page, /<li>See your name and username<\/li><li>Stay connected when you are not using the app<\/li>/);
      assert.doesNotMatch(page, /last used not yet/, 'the code exchange is recorded as a use');

      // Under Referrer-Policy no-referrer a browser's own form says `Origin: null`: the session's token decides.
      const removed = await postForm(browser, REMOVE, { csrf_token: csrfToken, client_id: client.clientId }, { origin: 'null' });
      assert.equal(`${removed.status} ${removed.headers.get('location')}`, `303 ${suite.server.config.issuer}/account?done=access_removed`);
      assert.match(await (await browser.get('/account?done=access_removed')).text(), /Access removed\. The application must ask for your permission again\./);

      const refused = await refresh(suite.server, client, tokens.refresh_token);
      assert.equal(refused.status, 400);
      assert.equal(((await refused.json()) as { error: string }).error, 'invalid_grant');
      const sid = decodeJwt(tokens.id_token).sid;
      await eventually('the logout token is delivered', async () => {
        for (const token of receiver.accepted) if ((await verifyLogoutToken(token, suite.server.config.issuer, client.clientId)).sid === sid) return true;
        return false;
      });
      const [event] = await auditEvents(suite.server, 'consent.revoked');
      assert.equal(event?.clientId, client.clientId);
      assert.equal(event?.userId, user.userId);
      assert.deepEqual(event?.details, { consentRemoved: true, familiesRevoked: 1, codesDeleted: 0, logoutsQueued: 1 });
      const again = await browser.get(authorizeUrl(client, { scope: 'openid profile offline_access' }));
      assert.equal(new URL(again.headers.get('location') ?? '').pathname, '/consent', 'the next authorization asks for consent again');
    });

    it("describes an API's scopes by the API's name and its own words, as the consent page does", async () => {
      const user = await seedUser(suite.server.store);
      const client = await seedApplication(`Books ${Date.now()}`);
      const api = await createApi(suite.server, { name: 'Invoices <API>' });
      const scope = `openid ${api.identifier}#read:invoices https://gone.example/#write`;
      await suite.server.store.consents.save({ userId: user.userId, clientId: client.clientId, scope, createdAt: 1, updatedAt: 1, lastUsedAt: null });
      const { page } = await openAccount(await signInToAccount(suite.server, user));
      assert.ok(page.includes('<li>Sign you in and know who you are</li><li>Invoices &lt;API&gt;: Read your invoices</li><li>https://gone.example/: write</li>'));
      assert.match(page, /last used not yet/);
    });

    it('refuses a removal without the token, with a wrong one, from another site, or for an application not connected', async () => {
      const user = await seedUser(suite.server.store);
      const client = await seedApplication(`Calendar ${Date.now()}`);
      const browser = await signInToAccount(suite.server, user);
      await connectApplication(suite.server, browser, client);
      const { csrfToken } = await openAccount(browser);
      const other = await openAccount(await signInToAccount(suite.server, user));
      const stranger = await seedClient(suite.server.store);
      const attempts: readonly (readonly [string, Record<string, string>, Record<string, string>, number])[] = [
        ['no token', { client_id: client.clientId }, {}, 403],
        ['a wrong token', { csrf_token: 'wrong', client_id: client.clientId }, {}, 403],
        ["another session's token", { csrf_token: other.csrfToken, client_id: client.clientId }, {}, 403],
        ['a cross-site Origin', { csrf_token: csrfToken, client_id: client.clientId }, { origin: 'https://evil.example' }, 403],
        ['a cross-site fetch', { csrf_token: csrfToken, client_id: client.clientId }, { 'sec-fetch-site': 'cross-site' }, 403],
        ['a sibling host', { csrf_token: csrfToken, client_id: client.clientId }, { 'sec-fetch-site': 'same-site', origin: suite.server.config.issuer }, 403],
        ['an unknown client id', { csrf_token: csrfToken, client_id: 'no-such-client' }, {}, 400],
        ['an application never connected', { csrf_token: csrfToken, client_id: stranger.clientId }, {}, 400],
        ['no client id', { csrf_token: csrfToken }, {}, 400],
      ];
      for (const [what, fields, headers, status] of attempts) {
        const response = await browser.fetch(REMOVE, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
          body: new URLSearchParams(fields).toString(),
        });
        const page = await assertErrorPage(response, status);
        assert.doesNotMatch(page, /evil\.example|no-such-client/, `${what}: nothing from the request is shown`);
      }
      assert.ok(await suite.server.store.consents.find(user.userId, client.clientId), 'the consent is still there');
      assert.deepEqual(await auditEvents(suite.server, 'consent.revoked', 0).then((events) => events.filter((event) => event.userId === user.userId)), []);
    });

    it('treats the session of a disabled person as none: the account page asks for a login', async () => {
      const user = await seedUser(suite.server.store, { disabledAt: 1 });
      const browser = new BrowserLike(suite.server.url);
      await plantSession(suite.server.store, suite.server.config, browser, user);
      const response = await browser.get('/account');
      assert.equal(`${response.status} ${new URL(response.headers.get('location') ?? '').pathname}`, '303 /login');
    });

    it('sends a form without a session to sign in first, acting on nothing', async () => {
      const response = await new BrowserLike(suite.server.url).postForm(REMOVE, { csrf_token: 'anything', client_id: 'x' });
      assert.equal(`${response.status} ${response.headers.get('location')}`, `303 ${suite.server.config.issuer}/account`);
    });
  });
});
