// openid-client in its default configuration sends the secret in the body (client_secret_post); against a client
// registered with the default client_secret_basic, the error it surfaces says what to change, and the README's fix works.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as openidClient from 'openid-client';
import { forEachEngine } from '../support/database.js';
import { startGrant } from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';

forEachEngine((engine) => {
  describe(`openid-client and the registered authentication method (${engine.name})`, () => {
    const suite = useTestServer(engine);
    // http issuers are refused by default; these tests run on loopback.
    const insecure = { execute: [openidClient.allowInsecureRequests] };

    it('surfaces an invalid_client naming client_secret_basic when left at its default', async () => {
      const { as, tokens } = await startGrant(suite.server);
      assert.equal(as.client.tokenEndpointAuthMethod, 'client_secret_basic');
      const config = await openidClient.discovery(new URL(suite.server.config.issuer), as.client.clientId, as.secret!, undefined, insecure);
      const refused = await openidClient.refreshTokenGrant(config, tokens.refresh_token!).then(
        () => assert.fail('the default client_secret_post must be refused'),
        (error: unknown) => error,
      );
      assert.ok(refused instanceof openidClient.ResponseBodyError, String(refused));
      assert.equal(refused.status, 401);
      assert.equal(refused.error, 'invalid_client');
      assert.equal(
        refused.error_description,
        'This client is registered for client_secret_basic: send the client_id and secret in an HTTP Basic Authorization header, not in the request body.',
      );
    });

    it('works with client.ClientSecretBasic(secret), as the README shows', async () => {
      const { as, tokens } = await startGrant(suite.server);
      const issuer = new URL(suite.server.config.issuer);
      const config = await openidClient.discovery(issuer, as.client.clientId, undefined, openidClient.ClientSecretBasic(as.secret!), insecure);
      const refreshed = await openidClient.refreshTokenGrant(config, tokens.refresh_token!);
      assert.equal(typeof refreshed.access_token, 'string');
    });
  });
});
