// A state the endpoint cannot send back (oversized, repeated) is never dropped from an error redirect: the person sees
// an error page instead, so the client is never handed a reply it cannot match (SECURITY.md (authorization endpoint)).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { assertErrorPage, assertErrorRedirect, authorizationParameters, authorizeUrl, registerClient } from '../support/authorization.js';

forEachEngine((engine) => {
  describe(`authorization endpoint: a state that cannot be returned (${engine.name})`, () => {
    const suite = useTestServer(engine);
    const browser = () => new BrowserLike(suite.server.url);
    const client = () => registerClient(suite.database.store, { scope: 'openid profile' });
    const tenKilobytes = 's'.repeat(10 * 1024);

    it('shows an error page, never a redirect, for a 10 KB state', async () => {
      const page = await assertErrorPage(await browser().get(authorizeUrl(await client(), { state: tenKilobytes })));
      assert.match(page, /state/);
      assert.ok(!page.includes(tenKilobytes.slice(0, 100)), 'the state is not echoed');
    });

    it('shows an error page for a state just over the parameter limit, even with other errors to report', async () => {
      const state = 's'.repeat(suite.server.config.limits.parameterBytes + 1);
      await assertErrorPage(await browser().get(authorizeUrl(await client(), { state, response_type: 'token' })));
    });

    it('shows an error page for a repeated state', async () => {
      const parameters = authorizationParameters(await client());
      parameters.append('state', 'another');
      await assertErrorPage(await browser().get(`/authorize?${parameters.toString()}`));
    });

    it('shows an error page rather than an auto-submitting form for response_mode=form_post', async () => {
      const response = await browser().get(authorizeUrl(await client(), { state: tenKilobytes, response_mode: 'form_post' }));
      const page = await assertErrorPage(response);
      assert.doesNotMatch(page, /<form/);
    });

    it('shows an error page for an oversized state in a POSTed request', async () => {
      const fields = Object.fromEntries(authorizationParameters(await client(), { state: tenKilobytes }));
      await assertErrorPage(await browser().postForm('/authorize', fields));
    });

    it('still sends a state at the limit back byte for byte', async () => {
      const state = 's'.repeat(suite.server.config.limits.parameterBytes);
      const response = await browser().get(authorizeUrl(await client(), { state, response_type: 'token' }));
      assertErrorRedirect(response, 'unsupported_response_type', suite.server.config.issuer, { state });
    });
  });
});
