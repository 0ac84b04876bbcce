// Error pages speak to a person: a heading for the situation, plain words, the request id, a link back to the
// application's registered home when the client is known, and the technical detail in small print.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { assertErrorPage, authorizeUrl, CALLBACK, registerClient } from '../support/authorization.js';

/** The "Return to" link of a page, if it has one: its href and text. */
function returnLink(page: string): { href: string; text: string } | undefined {
  const match = /<a class="return" href="([^"]*)">Return to ([^<]*)<\/a>/.exec(page);
  return match === null ? undefined : { href: match[1]!, text: match[2]! };
}

forEachEngine((engine) => {
  describe(`error pages for people (${engine.name})`, () => {
    const suite = useTestServer(engine);
    const browser = () => new BrowserLike(suite.server.url);

    it('says the sign-in link is broken for an unknown client, with the request id and no link anywhere', async () => {
      const client = await registerClient(suite.database.store);
      const response = await browser().get(authorizeUrl(client, { client_id: 'no-such-client' }));
      const page = await assertErrorPage(response);
      assert.match(page, /<h1>This sign-in link is broken<\/h1>/);
      assert.match(page, /Start again from the application/);
      const requestId = response.headers.get('x-request-id') ?? '';
      assert.ok(requestId.length > 0 && page.includes(`Request ID: <code>${requestId}</code>`), 'the request id is shown');
      assert.equal(returnLink(page), undefined);
      assert.match(page, /<p class="technical">Technical detail: <code>invalid_request<\/code> The client_id does not name a registered application\.<\/p>/);
    });

    it("links a bad redirect_uri's page to the client's registered home, never to the requested URI", async () => {
      const client = await registerClient(suite.database.store, { redirectUris: ['http://127.0.0.1/native', 'https://app.example:8443/cb?x=1', CALLBACK] });
      const page = await assertErrorPage(await browser().get(authorizeUrl(client, { redirect_uri: 'https://attacker.example/cb' })));
      assert.match(page, /<h1>This sign-in link is broken<\/h1>/);
      assert.deepEqual(returnLink(page), { href: 'https://app.example:8443/', text: client.clientName });
      assert.ok(!page.includes('attacker.example'), 'nothing of the requested URI');
    });

    it('links an oversized state page back to the known client', async () => {
      const client = await registerClient(suite.database.store);
      const page = await assertErrorPage(await browser().get(authorizeUrl(client, { state: 's'.repeat(10 * 1024) })));
      assert.equal(returnLink(page)?.href, 'https://client.example/');
      assert.match(page, /The state parameter is repeated or too large to send back to the application\./);
    });

    it('offers no link when the client registered no https redirect URI', async () => {
      const client = await registerClient(suite.database.store, { redirectUris: ['http://127.0.0.1/native', 'com.example.app:/cb'] });
      const page = await assertErrorPage(await browser().get(authorizeUrl(client, { redirect_uri: 'http://127.0.0.1/other' })));
      assert.equal(returnLink(page), undefined);
    });

    it("escapes a hostile client name in the link", async () => {
      const client = await registerClient(suite.database.store, { clientName: '<script>alert(1)</script>"&' });
      const page = await assertErrorPage(await browser().get(authorizeUrl(client, { redirect_uri: 'https://attacker.example/cb' })));
      assert.equal(returnLink(page)?.text, '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;');
      assert.ok(!page.includes('<script>alert'));
    });

    it('says the sign-in request has expired for an unknown interaction', async () => {
      const response = await browser().get('/login?interaction=no-such-interaction');
      const page = await assertErrorPage(response);
      assert.match(page, /<h1>This sign-in request has expired<\/h1>/);
      assert.match(page, /Go back to the application and sign in again\./);
      assert.ok(page.includes(`Request ID: <code>${response.headers.get('x-request-id')}</code>`));
    });
  });
});
