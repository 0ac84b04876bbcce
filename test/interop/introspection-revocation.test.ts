// openid-client v6 and oauth4webapi v3, with their default settings and what discovery tells them, introspect and
// revoke tokens at a running Gatehouse.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import * as openidClient from 'openid-client';
import { forEachEngine } from '../support/database.js';
import { createClient, createUser, issueCode, pkcePair, redeemCode, type TestClient } from '../support/flow-fixtures.js';
import { useTestServer, type TestServer } from '../support/server.js';
import { storeRefreshToken } from '../support/token-management.js';

/** A client registered with `method` and the tokens of one redeemed code. */
async function grantFor(server: TestServer, tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post') {
  const as: TestClient = await createClient(server, { tokenEndpointAuthMethod });
  const user = await createUser(server);
  const pkce = pkcePair();
  const tokens = await redeemCode(server, as, await issueCode(server, as.client, user, pkce), pkce);
  return { as, user, accessToken: tokens.access_token, refreshToken: tokens.refresh_token! };
}

forEachEngine((engine) => {
  describe(`introspection and revocation through client libraries (${engine.name})`, () => {
    const suite = useTestServer(engine);

    it('openid-client, sending its secret in the body by default (client_secret_post)', async () => {
      const { server } = suite;
      const { as, user, accessToken, refreshToken } = await grantFor(server, 'client_secret_post');
      // http issuers are refused by default; these tests run on loopback.
      const config = await openidClient.discovery(new URL(server.config.issuer), as.client.clientId, as.secret!, undefined, {
        execute: [openidClient.allowInsecureRequests],
      });
      const active = await openidClient.tokenIntrospection(config, accessToken);
      assert.deepEqual([active.active, active.client_id, active.sub, active.token_type], [true, as.client.clientId, user.userId, 'Bearer']);
      assert.equal((await openidClient.tokenIntrospection(config, refreshToken, { token_type_hint: 'refresh_token' })).active, true);
      await openidClient.tokenRevocation(config, accessToken);
      assert.deepEqual(await openidClient.tokenIntrospection(config, accessToken), { active: false });
      await openidClient.tokenRevocation(config, refreshToken, { token_type_hint: 'refresh_token' });
      assert.deepEqual(await openidClient.tokenIntrospection(config, refreshToken), { active: false });
      await assert.rejects(openidClient.refreshTokenGrant(config, refreshToken), { error: 'invalid_grant' });
      // RFC 7009 §2.2: an unknown token is no error.
      await openidClient.tokenRevocation(config, 'no-such-token');
    });

    it('oauth4webapi, with client_secret_basic and with a public client (none)', async () => {
      const { server } = suite;
      const insecure = { [oauth.allowInsecureRequests]: true };
      const issuer = new URL(server.config.issuer);
      const metadata = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
      const { as, user, accessToken, refreshToken } = await grantFor(server, 'client_secret_basic');
      const client: oauth.Client = { client_id: as.client.clientId };
      const auth = oauth.ClientSecretBasic(as.secret!);
      const introspect = async (token: string) =>
        oauth.processIntrospectionResponse(metadata, client, await oauth.introspectionRequest(metadata, client, auth, token, insecure));
      const active = await introspect(accessToken);
      assert.deepEqual([active.active, active.client_id, active.sub, active.username], [true, as.client.clientId, user.userId, user.username]);
      await oauth.processRevocationResponse(await oauth.revocationRequest(metadata, client, auth, refreshToken, insecure));
      assert.equal((await introspect(accessToken)).active, false, 'revoking the refresh token ended its grant');

      const publicClient = await createClient(server, { tokenEndpointAuthMethod: 'none' });
      const { value, family } = await storeRefreshToken(server, publicClient, user.userId);
      const none: oauth.Client = { client_id: publicClient.client.clientId };
      await oauth.processRevocationResponse(await oauth.revocationRequest(metadata, none, oauth.None(), value, insecure));
      assert.equal((await server.store.refreshTokens.findFamily(family.familyId))?.revokedReason, 'revoked_by_client');
    });
  });
});
