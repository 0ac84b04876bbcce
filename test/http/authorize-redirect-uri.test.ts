// Authorization endpoint, client and redirect URI: every failure is an error page, never a redirect (SECURITY.md).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { hashOpaqueValue } from '../../src/tokens/opaque.js';
import {
  assertErrorPage,
  authorizationParameters,
  authorizeUrl,
  CALLBACK,
  epochNow,
  plantSession,
  redirectParameters,
  registerClient,
  registerUser,
} from '../support/authorization.js';

const MISMATCHES: ReadonlyArray<readonly [string, string]> = [
  ['a trailing slash', `${CALLBACK}/`],
  ['another path case', 'https://client.example/CB'],
  ['another host case', 'https://CLIENT.example/cb'],
  ['an extra query', `${CALLBACK}?next=1`],
  ['another port', 'https://client.example:8443/cb'],
  ['another scheme', 'http://client.example/cb'],
  ['a subdomain', 'https://evil.client.example/cb'],
  ['a path suffix', `${CALLBACK}/extra`],
  ['a longer last segment', `${CALLBACK}x`],
  ['userinfo pointing elsewhere', 'https://client.example@evil.example/cb'],
  ['a fragment', `${CALLBACK}#fragment`],
  ['percent-encoding', 'https://client.example/%63b'],
  ['a relative path', '/cb'],
];

forEachEngine((engine) => {
  describe('authorization endpoint: client and redirect URI', () => {
    const suite = useTestServer(engine);
    const browser = () => new BrowserLike(suite.server.url);

    for (const [variant, redirectUri] of MISMATCHES) {
      it(`shows an error page for a redirect_uri with ${variant}`, async () => {
        const client = await registerClient(suite.database.store);
        const page = await assertErrorPage(await browser().get(authorizeUrl(client, { redirect_uri: redirectUri })));
        assert.match(page, /redirect_uri does not match/);
      });
    }

    it('shows an error page for a missing or unknown client_id, even with a valid redirect_uri', async () => {
      const client = await registerClient(suite.database.store);
      await assertErrorPage(await browser().get(authorizeUrl(client, { client_id: undefined })));
      await assertErrorPage(await browser().get(authorizeUrl(client, { client_id: 'no-such-client' })));
    });

    it('shows an error page for a repeated or oversized client_id or redirect_uri', async () => {
      const client = await registerClient(suite.database.store);
      const twice = authorizationParameters(client);
      twice.append('redirect_uri', CALLBACK);
      await assertErrorPage(await browser().get(`/authorize?${twice.toString()}`));
      const clientTwice = authorizationParameters(client);
      clientTwice.append('client_id', client.clientId);
      await assertErrorPage(await browser().get(`/authorize?${clientTwice.toString()}`));
      await assertErrorPage(await browser().get(authorizeUrl(client, { client_id: 'x'.repeat(5000) })));
    });

    it('escapes what the error page shows and reflects nothing from the request', async () => {
      const probe = '<script>alert(1)</script>';
      const client = await registerClient(suite.database.store);
      const page = await assertErrorPage(await browser().get(authorizeUrl(client, { redirect_uri: `https://x.example/${probe}`, state: probe })));
      assert.ok(!page.includes(probe) && !page.includes('alert(1)'));
    });

    it('accepts an omitted redirect_uri when the client registered exactly one, and remembers it was omitted', async () => {
      const client = await registerClient(suite.database.store, { firstParty: true });
      const user = await registerUser(suite.database.store);
      const visitor = browser();
      await plantSession(suite.database.store, suite.server.config, visitor, user);
      const code = redirectParameters(await visitor.get(authorizeUrl(client, { redirect_uri: undefined }))).get('code') ?? '';
      const consumed = await suite.database.store.authorizationCodes.consume(hashOpaqueValue(code), epochNow());
      assert.equal(consumed.outcome, 'redeemed');
      assert.equal(consumed.outcome === 'redeemed' && consumed.record.redirectUriSent, false);
      assert.equal(consumed.outcome === 'redeemed' && consumed.record.redirectUri, CALLBACK);
    });

    it('shows an error page for an omitted redirect_uri when the client registered two', async () => {
      const client = await registerClient(suite.database.store, { redirectUris: [CALLBACK, 'https://client.example/other'] });
      const page = await assertErrorPage(await browser().get(authorizeUrl(client, { redirect_uri: undefined })));
      assert.match(page, /more than one/);
    });

    it('accepts any port on a registered loopback IP redirect URI (RFC 8252 §7.3), and nothing else looser', async () => {
      const client = await registerClient(suite.database.store, { redirectUris: ['http://127.0.0.1/native/cb'], clientType: 'public' });
      const accepted = await browser().get(authorizeUrl(client, { redirect_uri: 'http://127.0.0.1:51234/native/cb', prompt: 'none' }));
      assert.equal(redirectParameters(accepted, 'http://127.0.0.1:51234/native/cb').get('error'), 'login_required');
      for (const other of ['http://127.0.0.1:51234/native/other', 'http://localhost:51234/native/cb', 'https://127.0.0.1:51234/native/cb']) {
        await assertErrorPage(await browser().get(authorizeUrl(client, { redirect_uri: other })));
      }
    });

    it("keeps the registered redirect URI's own query when adding the response", async () => {
      const registered = 'https://client.example/cb?tenant=a%20b&flag';
      const client = await registerClient(suite.database.store, { redirectUris: [registered] });
      const response = await browser().get(authorizeUrl(client, { redirect_uri: registered, prompt: 'none' }));
      const location = response.headers.get('location') ?? '';
      assert.ok(location.startsWith(`${registered}&error=login_required&`), location);
    });
  });
});
