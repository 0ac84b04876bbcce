// Client credentials against a running Gatehouse with two standard libraries at their default settings; the token is
// then accepted by oauth4webapi's RFC 9068 resource server validation for the API's identifier, and by nothing else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import * as openidClient from 'openid-client';
import { createApi, createServiceClient } from '../support/apis.js';
import { forEachEngine } from '../support/database.js';
import { useTestServer, type TestServer } from '../support/server.js';

/** The loopback test server is http, which both libraries refuse unless told; nothing else is changed. */
const insecure = { [oauth.allowInsecureRequests]: true };

/** Validates `accessToken` as a resource server for `audience` would (RFC 9068 §4), with oauth4webapi. */
async function validateAsResourceServer(server: TestServer, accessToken: string, audience: string): Promise<oauth.JWTAccessTokenClaims> {
  const issuer = new URL(server.config.issuer);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
  const request = new Request(`${audience}invoices`, { headers: { authorization: `Bearer ${accessToken}` } });
  return oauth.validateJwtAccessToken(as, request, audience, insecure);
}

forEachEngine((engine) => {
  describe(`client credentials interop (${engine.name})`, () => {
    const suite = useTestServer(engine);

    it('openid-client completes client credentials with its default client_secret_post', async () => {
      const api = await createApi(suite.server);
      const as = await createServiceClient(suite.server, [api], { tokenEndpointAuthMethod: 'client_secret_post' });
      const config = await openidClient.discovery(new URL(suite.server.config.issuer), as.client.clientId, as.secret!, undefined, {
        execute: [openidClient.allowInsecureRequests],
      });
      assert.ok(config.serverMetadata().grant_types_supported?.includes('client_credentials'));
      const tokens = await openidClient.clientCredentialsGrant(config, { scope: 'read:invoices', resource: api.identifier });
      assert.equal(tokens.token_type, 'bearer');
      assert.equal(tokens.scope, 'read:invoices');
      assert.equal(tokens.refresh_token, undefined);
      const claims = await validateAsResourceServer(suite.server, tokens.access_token, api.identifier);
      assert.equal(claims.sub, as.client.clientId);
      assert.equal(claims.client_id, as.client.clientId);
    });

    it('oauth4webapi completes client credentials with client_secret_basic, and its token fits only its API', async () => {
      const [api, other] = [await createApi(suite.server), await createApi(suite.server)];
      const as = await createServiceClient(suite.server, [api]);
      const issuer = new URL(suite.server.config.issuer);
      const server = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
      const client: oauth.Client = { client_id: as.client.clientId };
      const response = await oauth.clientCredentialsGrantRequest(server, client, oauth.ClientSecretBasic(as.secret!), { resource: api.identifier }, insecure);
      const tokens = await oauth.processClientCredentialsResponse(server, client, response);
      assert.equal(tokens.scope, 'read:invoices write:invoices');
      const claims = await validateAsResourceServer(suite.server, tokens.access_token, api.identifier);
      assert.equal(claims.aud, api.identifier);
      await assert.rejects(validateAsResourceServer(suite.server, tokens.access_token, other.identifier), /unexpected JWT "aud"/);
    });
  });
});
