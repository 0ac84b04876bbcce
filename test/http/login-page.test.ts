// The login page: accessible markup, the client's name and login_hint escaped, page security headers, CSRF and binding.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { alertText, beginInteraction, getLoginPage, PASSWORD, postForm, postLogin, seedClient, seedUser } from '../support/login.js';
import type { ClientRecord, UserRecord } from '../../src/store/records.js';

const HOSTILE = `"><script>alert(1)</script>&'`;
const HOSTILE_ESCAPED = '&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;&#39;';

forEachEngine((engine) => {
  describe(`login page (${engine.name})`, () => {
    const suite = useTestServer(engine);
    let client: ClientRecord;
    let user: UserRecord;
    before(async () => {
      client = await seedClient(suite.server.store, { clientName: `Acme ${HOSTILE}` });
      user = await seedUser(suite.server.store);
    });

    it('labels both fields, sets their autocomplete tokens and focuses the username', async () => {
      const response = await getLoginPage(await beginInteraction(suite.server, client));
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
      const page = await response.text();
      assert.match(page, /<html lang="en">/);
      assert.match(page, /<label for="username">Username<\/label>\s*<input id="username" name="username" type="text" value="" autocomplete="username"[^>]* required autofocus>/);
      assert.match(page, /<label for="password">Password<\/label>\s*<input id="password" name="password" type="password" autocomplete="current-password" required>/);
      assert.match(page, /<button type="submit">Sign in<\/button>/);
      assert.match(page, /<form method="post" action="\/login">/);
      assert.equal(alertText(page), undefined, 'no message before an attempt');
    });

    it('names the client, escaped, and prefills the login_hint, escaped, focusing the password', async () => {
      const response = await getLoginPage(await beginInteraction(suite.server, client, { login_hint: HOSTILE }));
      const page = await response.text();
      assert.ok(page.includes(`<h1>Sign in</h1>\n<p class="lead">to continue to <strong>Acme ${HOSTILE_ESCAPED}</strong></p>`));
      assert.ok(page.includes(`<title>Sign in to Acme ${HOSTILE_ESCAPED}</title>`));
      assert.ok(page.includes(`value="${HOSTILE_ESCAPED}" autocomplete="username"`));
      assert.ok(!page.includes('<script>'), 'nothing from the request or registration is reflected unescaped');
      assert.match(page, /type="password" autocomplete="current-password" required autofocus>/);
    });

    it('carries the interaction and its CSRF token in hidden fields', async () => {
      const flow = await beginInteraction(suite.server, client);
      const page = await (await getLoginPage(flow)).text();
      assert.ok(page.includes(`<input type="hidden" name="interaction" value="${flow.interactionId}">`));
      assert.ok(page.includes(`<input type="hidden" name="csrf_token" value="${flow.csrfToken}">`));
    });

    it('sends the page security headers: nonce CSP without unsafe-inline, no framing, no referrer, no caching', async () => {
      const response = await getLoginPage(await beginInteraction(suite.server, client));
      const csp = response.headers.get('content-security-policy') ?? '';
      const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
      assert.ok(nonce, csp);
      assert.ok((await response.text()).includes(`<style nonce="${nonce}">`));
      assert.ok(!csp.includes('unsafe-inline'), csp);
      assert.ok(!csp.includes('script-src'), 'the login page runs no script');
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /form-action 'self' https:\/\/app\.example:8443(;|$)/, 'the redirect after login may go to the client');
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    });

    it('shows an error page, reflecting nothing, for a missing, unknown or other browser\'s interaction', async () => {
      const flow = await beginInteraction(suite.server, client);
      const otherBrowser = new BrowserLike(suite.server.url);
      for (const [jar, query] of [[flow.browser, ''], [flow.browser, `?interaction=${encodeURIComponent(HOSTILE)}`], [otherBrowser, `?interaction=${flow.interactionId}`]] as const) {
        const response = await jar.fetch(`${suite.server.url}/login${query}`);
        assert.equal(response.status, 400, query);
        assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
        const page = await response.text();
        assert.match(page, /This sign-in request has expired/);
        assert.ok(!page.includes('<script>') && !page.includes(flow.interactionId), 'the id is not reflected');
        assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      }
    });

    it('rejects a POST without the CSRF token, or with a wrong one, with 403 and no session', async () => {
      const flow = await beginInteraction(suite.server, client);
      const other = await beginInteraction(suite.server, client);
      const credentials = { username: user.username, password: PASSWORD };
      for (const csrf of [undefined, 'wrong-token', other.csrfToken, '']) {
        const fields: Record<string, string> = { interaction: flow.interactionId, ...credentials, ...(csrf === undefined ? {} : { csrf_token: csrf }) };
        const response = await postForm(flow.browser, '/login', fields);
        assert.equal(response.status, 403, `csrf ${csrf}`);
        assert.match(await response.text(), /This form could not be verified/);
        assert.deepEqual(response.headers.getSetCookie(), [], 'no session cookie');
      }
      assert.equal((await postLogin(flow, credentials)).status, 303, 'the right token still works');
    });

    it('rejects a POST naming another browser\'s interaction, even with its token', async () => {
      const flow = await beginInteraction(suite.server, client);
      const thief = await beginInteraction(suite.server, client);
      const response = await postLogin({ ...flow, browser: thief.browser }, { username: user.username, password: PASSWORD });
      assert.equal(response.status, 400);
      assert.deepEqual(response.headers.getSetCookie(), []);
    });

    it('answers other methods with 405', async () => {
      const response = await fetch(`${suite.server.url}/login`, { method: 'PUT' });
      assert.equal(response.status, 405);
      assert.equal(response.headers.get('allow'), 'GET, POST, HEAD');
    });
  });
});
