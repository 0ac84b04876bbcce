// response_mode=form_post (OAuth 2.0 Form Post Response Mode): an auto-submitting form, escaped, under a nonce'd CSP.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { assertPageHeaders, authorizeUrl, hiddenFields, plantSession, registerClient, registerUser } from '../support/authorization.js';

const HOSTILE_STATE = '"><script>alert(1)</script>&\'';

forEachEngine((engine) => {
  describe('authorization response by form_post', () => {
    const suite = useTestServer(engine);

    async function formPost(redirectUri: string) {
      const client = await registerClient(suite.database.store, { firstParty: true, redirectUris: [redirectUri] });
      const visitor = new BrowserLike(suite.server.url);
      await plantSession(suite.database.store, suite.server.config, visitor, await registerUser(suite.database.store));
      return visitor.get(authorizeUrl(client, { response_mode: 'form_post', state: HOSTILE_STATE }));
    }

    it('answers with a page whose form posts code, state and iss to the redirect URI, every value escaped', async () => {
      const response = await formPost('https://client.example/cb');
      assert.equal(response.status, 200);
      assertPageHeaders(response);
      const html = await response.text();
      assert.ok(html.includes('<form method="post" action="https://client.example/cb">'));
      assert.ok(!html.includes(HOSTILE_STATE) && !html.includes('<script>alert'), 'the state is never reflected raw');
      const fields = hiddenFields(html);
      assert.deepEqual(Object.keys(fields).sort(), ['code', 'iss', 'state']);
      assert.equal(fields.state, HOSTILE_STATE);
      assert.equal(fields.iss, suite.server.config.issuer);
      assert.match(fields.code ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.match(html, /<noscript>[\s\S]*<button type="submit">Continue<\/button>[\s\S]*<\/noscript>/);
    });

    it('runs only its own script, by nonce, and lets the form go only to the redirect URI origin', async () => {
      const response = await formPost('https://client.example/cb');
      const csp = response.headers.get('content-security-policy') ?? '';
      const html = await response.text();
      const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
      assert.ok(nonce, 'a script nonce in the CSP');
      const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((match) => match[1]);
      assert.deepEqual(scripts, [` nonce="${nonce}"`], 'one script, carrying the nonce');
      assert.match(html, /HTMLFormElement\.prototype\.submit\.call\(document\.forms\[0\]\)/);
      assert.match(csp, /form-action 'self' https:\/\/client\.example(;|$)/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    });

    it("escapes the redirect URI's own query in the form action and keeps it", async () => {
      const response = await formPost('https://client.example/cb?tenant=a&b=c');
      assert.ok((await response.text()).includes('action="https://client.example/cb?tenant=a&amp;b=c"'));
    });
  });
});
