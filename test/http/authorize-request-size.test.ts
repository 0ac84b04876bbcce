// SECURITY.md (interactions): an authorization request is kept only up to `limits.interactionBytes`; larger is refused first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { assertErrorRedirect, authorizeUrl, registerClient } from '../support/authorization.js';
import { useTestServer } from '../support/server.js';

/** As large as `limits.parameterBytes` (4 KiB by default) allows each parameter to be. */
const LARGEST_PARAMETER = 4096;

forEachEngine((engine) => {
  describe('authorization endpoint: the size of a request kept for login', () => {
    const suite = useTestServer(engine);
    const browser = () => new BrowserLike(suite.server.url);
    const interactionCount = async () => Number((await suite.database.sql('select count(*) as n from interactions'))[0]?.n);

    it('keeps a request with a 4 KiB state, the largest a parameter may be', async () => {
      const client = await registerClient(suite.database.store, { scope: 'openid profile' });
      const before = await interactionCount();
      const response = await browser().get(authorizeUrl(client, { state: 's'.repeat(LARGEST_PARAMETER) }));
      assert.equal(response.status, 303);
      assert.match(response.headers.get('location') ?? '', /\/login\?interaction=/);
      assert.equal(await interactionCount(), before + 1);
    });

    it('refuses parameters that each fit but together pass limits.interactionBytes, with state, before storing anything', async () => {
      const client = await registerClient(suite.database.store, { scope: 'openid profile' });
      const state = 's'.repeat(LARGEST_PARAMETER);
      const before = await interactionCount();
      const response = await browser().get(authorizeUrl(client, { state, nonce: 'n'.repeat(LARGEST_PARAMETER), login_hint: 'h'.repeat(LARGEST_PARAMETER) }));
      assertErrorRedirect(response, 'invalid_request', suite.server.config.issuer, { state });
      assert.equal(await interactionCount(), before);
    });
  });
});
