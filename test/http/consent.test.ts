// Consent: the page names the client and each scope in plain words; CSRF, Allow, Deny, remembering, asking again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import {
  assertErrorPage,
  assertErrorRedirect,
  assertPageHeaders,
  authorizeUrl,
  hiddenFields,
  plantSession,
  redirectParameters,
  registerClient,
  registerUser,
  type RequestOverrides,
} from '../support/authorization.js';

const HOSTILE_NAME = '<script>alert("name")</script> & Co';

forEachEngine((engine) => {
  describe('consent', () => {
    const suite = useTestServer(engine);

    /** A logged-in browser at the consent page of a new request; returns the page and its form fields. */
    async function atConsent(overrides: RequestOverrides = {}, clientName = `Photo Printer ${Math.random()}`) {
      const client = await registerClient(suite.database.store, { clientName, scope: 'openid profile email custom:read' });
      const user = await registerUser(suite.database.store, { username: `ada<b>${Math.random()}` });
      const visitor = new BrowserLike(suite.server.url);
      await plantSession(suite.database.store, suite.server.config, visitor, user);
      const page = await visitor.follow(await visitor.get(authorizeUrl(client, overrides)));
      assert.equal(page.status, 200);
      const html = await page.text();
      return { client, user, visitor, page, html, fields: hiddenFields(html) };
    }

    const auditTypes = async (type: string) => (await suite.database.store.audit.list({ limit: 100, type })).length;

    it('names the client as registered and describes each scope in plain words, everything escaped', async () => {
      const { page, html } = await atConsent({ scope: 'openid email custom:read' }, HOSTILE_NAME);
      assertPageHeaders(page);
      assert.ok(html.includes('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt; &amp; Co'));
      assert.ok(!html.includes('<script>alert'));
      assert.ok(html.includes(`<li>${suite.server.config.scopes.openid}</li>`));
      assert.ok(html.includes(`<li>${suite.server.config.scopes.email}</li>`));
      assert.ok(html.includes('<li>custom:read</li>'), 'a scope without a description is shown by name');
      assert.ok(html.includes('ada&lt;b&gt;'));
      assert.match(html, /<button type="submit" name="decision" value="allow">Allow<\/button>/);
      assert.match(html, /<button type="submit" name="decision" value="deny" class="secondary">Deny<\/button>/);
    });

    it('rejects a decision without the CSRF token or with a wrong one, and the interaction still works after', async () => {
      const { visitor, fields } = await atConsent();
      const { csrf_token: token, ...withoutToken } = fields;
      assert.match(await assertErrorPage(await visitor.postForm('/consent', { ...withoutToken, decision: 'allow' }), 403), /could not be verified/);
      await assertErrorPage(await visitor.postForm('/consent', { ...fields, csrf_token: `${token}x`, decision: 'allow' }), 403);
      assert.ok(redirectParameters(await visitor.postForm('/consent', { ...fields, decision: 'allow' })).get('code'));
    });

    it('returns access_denied with state and iss on Deny, records consent.denied and remembers nothing', async () => {
      const denied = await auditTypes('consent.denied');
      const { client, user, visitor, fields } = await atConsent();
      assertErrorRedirect(await visitor.postForm('/consent', { ...fields, decision: 'deny' }), 'access_denied', suite.server.config.issuer);
      assert.equal(await suite.database.store.consents.find(user.userId, client.clientId), undefined);
      await waitFor(async () => (await auditTypes('consent.denied')) === denied + 1);
    });

    it('issues a code on Allow, records consent.granted, and a decision cannot be sent twice', async () => {
      const granted = await auditTypes('consent.granted');
      const { client, user, visitor, fields } = await atConsent();
      const first = await visitor.postForm('/consent', { ...fields, decision: 'allow' });
      assert.ok(redirectParameters(first).get('code'));
      assert.equal((await suite.database.store.consents.find(user.userId, client.clientId))?.scope, 'openid profile');
      await waitFor(async () => (await auditTypes('consent.granted')) === granted + 1);
      visitor.setCookie('gatehouse_interaction', `${fields.interaction}.${fields.csrf_token}`);
      await assertErrorPage(await visitor.postForm('/consent', { ...fields, decision: 'allow' }));
    });

    it('remembers the decision: the same scopes skip the page, a new scope asks again, prompt=consent always asks', async () => {
      const { client, user, visitor, fields } = await atConsent({ scope: 'openid profile' });
      await visitor.postForm('/consent', { ...fields, decision: 'allow' });
      assert.ok(redirectParameters(await visitor.get(authorizeUrl(client, { scope: 'profile' }))).get('code'));
      const asked = await visitor.follow(await visitor.get(authorizeUrl(client, { scope: 'openid email' })));
      assert.equal(asked.status, 200);
      await visitor.postForm('/consent', { ...hiddenFields(await asked.text()), decision: 'allow' });
      assert.equal((await suite.database.store.consents.find(user.userId, client.clientId))?.scope, 'openid profile email');
      const again = await visitor.get(authorizeUrl(client, { scope: 'openid profile email', prompt: 'consent' }));
      assert.match(again.headers.get('location') ?? '', /\/consent\?interaction=/);
    });

    it("refuses the consent page and decision from another browser's cookie", async () => {
      const { fields } = await atConsent();
      const other = new BrowserLike(suite.server.url);
      await plantSession(suite.database.store, suite.server.config, other, await registerUser(suite.database.store));
      await assertErrorPage(await other.get(`/consent?interaction=${fields.interaction}`));
      await assertErrorPage(await other.postForm('/consent', { ...fields, decision: 'allow' }));
    });
  });
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail('condition not met in time');
}
