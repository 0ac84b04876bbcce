// Real clients with DPoP (RFC 9449) against a running Gatehouse that requires nonces: oauth4webapi's DPoP(client, keyPair)
// and openid-client's getDPoPHandle complete the code flow (with dpop_jkt), userinfo and a refresh, at their defaults.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import * as openidClient from 'openid-client';
import { forEachEngine } from '../support/database.js';
import { verifyJwt } from '../support/flow-fixtures.js';
import { logIn, REDIRECT_URI, seedClient, seedUser } from '../support/login.js';
import { useTestServer, type TestServer } from '../support/server.js';

const SCOPE = 'openid profile offline_access';
/** http issuers are refused by default; these tests run on loopback. */
const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** A first-party public client that may refresh, and a person signed in to it in `browser`: the code flow ends at its redirect URI. */
async function signedInClient(server: TestServer) {
  const client = await seedClient(server.store, { firstParty: true, grantTypes: ['authorization_code', 'refresh_token'], scope: SCOPE });
  const user = await seedUser(server.store);
  const browser = await logIn(server, client, user);
  /** Follows the authorization URL in the signed-in browser to the callback URL carrying the code. */
  const authorize = async (url: URL): Promise<URL> => {
    const response = await browser.get(`${url.pathname}${url.search}`);
    const location = response.headers.get('location') ?? '';
    assert.ok(location.startsWith(REDIRECT_URI), `redirected to the client, got ${response.status} ${location}`);
    return new URL(location);
  };
  return { client, user, authorize };
}

/** oauth4webapi leaves the retry to the caller: once, with the nonce its handle kept from the error (RFC 9449 §8). */
async function retryingNonce<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (!oauth.isDPoPNonceError(error)) throw error;
    return request();
  }
}

forEachEngine((engine) => {
  describe(`DPoP interop, nonces required (${engine.name})`, () => {
    const suite = useTestServer(engine, { GATEHOUSE_DPOP_REQUIRE_NONCE: 'true' });
    const cnfOf = async (accessToken: string) => (await verifyJwt(suite.server, accessToken, { typ: 'at+jwt', audience: suite.server.config.issuer })).payload.cnf;

    it('oauth4webapi: code flow with dpop_jkt, userinfo, refresh and userinfo again', async () => {
      const issuer = new URL(suite.server.config.issuer);
      const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
      assert.deepEqual(as.dpop_signing_alg_values_supported, ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA']);
      const { client: registered, user, authorize } = await signedInClient(suite.server);
      const client: oauth.Client = { client_id: registered.clientId };
      const keyPair = await oauth.generateKeyPair('ES256');
      const DPoP = oauth.DPoP(client, keyPair);
      const codeVerifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const url = new URL(as.authorization_endpoint!);
      const jkt = await DPoP.calculateThumbprint();
      for (const [name, value] of Object.entries({
        client_id: client.client_id, redirect_uri: REDIRECT_URI, response_type: 'code', scope: SCOPE, state,
        code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256', dpop_jkt: jkt,
      })) url.searchParams.set(name, value);
      const callback = oauth.validateAuthResponse(as, client, await authorize(url), state);
      const options = { DPoP, ...insecure };
      const tokens = await retryingNonce(async () =>
        oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback, REDIRECT_URI, codeVerifier, options)),
      );
      assert.equal(tokens.token_type, 'dpop');
      assert.deepEqual(await cnfOf(tokens.access_token), { jkt });
      const userinfo = await retryingNonce(async () => oauth.processUserInfoResponse(as, client, user.userId, await oauth.userInfoRequest(as, client, tokens.access_token, options)));
      assert.equal(userinfo.sub, user.userId);
      const refreshed = await retryingNonce(async () =>
        oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, options)),
      );
      assert.equal(refreshed.token_type, 'dpop');
      assert.deepEqual(await cnfOf(refreshed.access_token), { jkt });
      const again = await retryingNonce(async () => oauth.processUserInfoResponse(as, client, user.userId, await oauth.userInfoRequest(as, client, refreshed.access_token, options)));
      assert.equal(again.sub, user.userId);
    });

    it('openid-client: getDPoPHandle through the code flow, userinfo and refresh', async () => {
      const { client: registered, user, authorize } = await signedInClient(suite.server);
      const config = await openidClient.discovery(new URL(suite.server.config.issuer), registered.clientId, undefined, openidClient.None(), {
        execute: [openidClient.allowInsecureRequests],
      });
      const DPoP = openidClient.getDPoPHandle(config, await openidClient.randomDPoPKeyPair());
      const codeVerifier = openidClient.randomPKCECodeVerifier();
      const state = openidClient.randomState();
      const url = openidClient.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI, scope: SCOPE, state, code_challenge: await openidClient.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256',
      });
      const tokens = await openidClient.authorizationCodeGrant(config, await authorize(url), { pkceCodeVerifier: codeVerifier, expectedState: state }, undefined, { DPoP });
      assert.equal(tokens.token_type, 'dpop');
      const userinfo = await openidClient.fetchUserInfo(config, tokens.access_token, user.userId, { DPoP });
      assert.equal(userinfo.sub, user.userId);
      const refreshed = await openidClient.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP });
      assert.equal(refreshed.token_type, 'dpop');
      assert.equal((await openidClient.fetchUserInfo(config, refreshed.access_token, user.userId, { DPoP })).sub, user.userId);
    });

    it('openid-client: buildAuthorizationUrlWithPAR with a DPoP handle binds the code to its key (RFC 9449 §10.1)', async () => {
      const { client: registered, authorize } = await signedInClient(suite.server);
      const config = await openidClient.discovery(new URL(suite.server.config.issuer), registered.clientId, undefined, openidClient.None(), {
        execute: [openidClient.allowInsecureRequests],
      });
      const DPoP = openidClient.getDPoPHandle(config, await openidClient.randomDPoPKeyPair());
      const codeVerifier = openidClient.randomPKCECodeVerifier();
      const state = openidClient.randomState();
      const parameters = { redirect_uri: REDIRECT_URI, scope: SCOPE, state, code_challenge: await openidClient.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256' };
      // The library sends the proof as a header only, retrying once with the nonce /par answers.
      const url = await openidClient.buildAuthorizationUrlWithPAR(config, parameters, { DPoP });
      const callback = await authorize(url);
      const another = openidClient.getDPoPHandle(config, await openidClient.randomDPoPKeyPair());
      const refused = await openidClient.authorizationCodeGrant(config, callback, { pkceCodeVerifier: codeVerifier, expectedState: state }, undefined, { DPoP: another }).then(
        () => assert.fail('a code bound at /par is redeemed only with that key'),
        (error: unknown) => error,
      );
      assert.ok(refused instanceof openidClient.ResponseBodyError, String(refused));
      assert.equal(refused.error, 'invalid_grant');
      const tokens = await openidClient.authorizationCodeGrant(config, callback, { pkceCodeVerifier: codeVerifier, expectedState: state }, undefined, { DPoP });
      assert.equal(tokens.token_type, 'dpop');
      assert.deepEqual(await cnfOf(tokens.access_token), { jkt: await DPoP.calculateThumbprint() });
    });
  });
});
