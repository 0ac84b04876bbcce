// Pushed authorization requests (RFC 9126) with real client libraries at their defaults: openid-client's
// buildAuthorizationUrlWithPAR (a confidential client) and oauth4webapi's pushedAuthorizationRequest (a public one)
// complete the code flow through /par; an error at /par reaches the library as the RFC 6749 §5.2 error it is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import * as openidClient from 'openid-client';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { createClient, createUser, REDIRECT_URI } from '../support/flow-fixtures.js';
import { hiddenFields } from '../support/authorization.js';
import { PASSWORD, postLogin } from '../support/login.js';
import { useTestServer, type TestServer } from '../support/server.js';
import type { UserRecord } from '../../src/store/records.js';

/** A person following `authorizationUrl` in a browser and logging in; returns the callback URL Gatehouse sends them to. */
async function signIn(server: TestServer, authorizationUrl: URL, user: UserRecord): Promise<URL> {
  const browser = new BrowserLike(server.url);
  const toLogin = await browser.get(`${authorizationUrl.pathname}${authorizationUrl.search}`);
  assert.equal(toLogin.status, 303, await toLogin.clone().text());
  const login = new URL(toLogin.headers.get('location') ?? '', server.url);
  const fields = hiddenFields(await (await browser.get(`${login.pathname}${login.search}`)).text());
  const posted = await postLogin({ browser, interactionId: fields.interaction!, csrfToken: fields.csrf_token! }, { username: user.username, password: PASSWORD });
  const callback = await browser.follow(posted);
  const location = callback.headers.get('location') ?? '';
  assert.ok(location.startsWith(`${REDIRECT_URI}?`), `sent back to the client, got ${callback.status} ${location}`);
  return new URL(location);
}

forEachEngine((engine) => {
  describe(`pushed authorization requests with client libraries (${engine.name})`, () => {
    const suite = useTestServer(engine);

    it('openid-client: buildAuthorizationUrlWithPAR, then the code grant with its ID token', async () => {
      const { server } = suite;
      const as = await createClient(server, { firstParty: true });
      const user = await createUser(server);
      // http issuers are refused by default; these tests run on loopback.
      const config = await openidClient.discovery(new URL(server.config.issuer), as.client.clientId, undefined, openidClient.ClientSecretBasic(as.secret!), {
        execute: [openidClient.allowInsecureRequests],
      });
      const codeVerifier = openidClient.randomPKCECodeVerifier();
      const [state, nonce] = [openidClient.randomState(), openidClient.randomNonce()];
      const parameters = {
        redirect_uri: REDIRECT_URI, scope: 'openid profile', state, nonce,
        code_challenge: await openidClient.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256',
      };
      const authorizationUrl = await openidClient.buildAuthorizationUrlWithPAR(config, parameters);
      assert.deepEqual([...authorizationUrl.searchParams.keys()].sort(), ['client_id', 'request_uri']);
      const callback = await signIn(server, authorizationUrl, user);
      const tokens = await openidClient.authorizationCodeGrant(config, callback, { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
      assert.equal(tokens.claims()?.sub, user.userId);

      const refused = await openidClient.buildAuthorizationUrlWithPAR(config, { ...parameters, scope: 'openid admin' }).then(
        () => assert.fail('an unknown scope must be refused at /par'),
        (error: unknown) => error,
      );
      assert.ok(refused instanceof openidClient.ResponseBodyError, String(refused));
      assert.deepEqual([refused.status, refused.error], [400, 'invalid_scope']);
    });

    it('oauth4webapi: pushedAuthorizationRequest for a public client, then the code grant with its ID token', async () => {
      const { server } = suite;
      const as = await createClient(server, { clientType: 'public', firstParty: true });
      const user = await createUser(server);
      const insecure = { [oauth.allowInsecureRequests]: true };
      const issuer = new URL(server.config.issuer);
      const authorizationServer = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
      const client: oauth.Client = { client_id: as.client.clientId };
      const codeVerifier = oauth.generateRandomCodeVerifier();
      const [state, nonce] = [oauth.generateRandomState(), oauth.generateRandomNonce()];
      const pushed = await oauth.pushedAuthorizationRequest(authorizationServer, client, oauth.None(), {
        response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid profile', state, nonce,
        code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256',
      }, insecure);
      const { request_uri: requestUri, expires_in: expiresIn } = await oauth.processPushedAuthorizationResponse(authorizationServer, client, pushed);
      assert.equal(expiresIn, 60);
      const authorizationUrl = new URL(authorizationServer.authorization_endpoint!);
      authorizationUrl.searchParams.set('client_id', as.client.clientId);
      authorizationUrl.searchParams.set('request_uri', requestUri);
      const callback = await signIn(server, authorizationUrl, user);
      const callbackParameters = oauth.validateAuthResponse(authorizationServer, client, callback, state);
      const response = await oauth.authorizationCodeGrantRequest(authorizationServer, client, oauth.None(), callbackParameters, REDIRECT_URI, codeVerifier, insecure);
      const tokens = await oauth.processAuthorizationCodeResponse(authorizationServer, client, response, { expectedNonce: nonce, requireIdToken: true });
      assert.equal(oauth.getValidatedIdTokenClaims(tokens)?.sub, user.userId);
    });
  });
});
