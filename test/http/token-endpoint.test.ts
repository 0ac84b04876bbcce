// The token endpoint's framing and client authentication: methods, content types, parameters, grant types,
// every client authentication failure, no-store on every answer, and what discovery advertises.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ClientRegistrationService } from '../../src/clients/registration.js';
import { EventBus } from '../../src/observability/events.js';
import { forEachEngine } from '../support/database.js';
import {
  assertTokenError,
  basicAuthorization,
  createClient,
  createUser,
  epochNow,
  issueCode,
  pkcePair,
  postToken,
  REDIRECT_URI,
  type TestClient,
} from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';

forEachEngine((engine) => {
  describe(`token endpoint framing and client authentication (${engine.name})`, () => {
    const suite = useTestServer(engine);
    let basic: TestClient;
    let post: TestClient;
    let publicClient: TestClient;
    before(async () => {
      basic = await createClient(suite.server);
      post = await createClient(suite.server, { tokenEndpointAuthMethod: 'client_secret_post' });
      publicClient = await createClient(suite.server, { clientType: 'public' });
    });

    /** A grant request the framing accepts, so only client authentication decides. */
    const grantRequest = { grant_type: 'refresh_token', refresh_token: 'not-a-real-token' };

    /** A code for `as` and the parameters redeeming it, so a success proves the authentication passed. */
    async function codeRequest(as: TestClient): Promise<Record<string, string>> {
      const pkce = pkcePair();
      const code = await issueCode(suite.server, as.client, await createUser(suite.server), pkce);
      return { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier };
    }

    it('answers other methods with 405, Allow: POST and no-store', async () => {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const response = await fetch(`${suite.server.url}/token`, { method });
        assert.equal(response.status, 405, method);
        assert.equal(response.headers.get('allow'), 'POST');
        assert.equal(response.headers.get('cache-control'), 'no-store');
        assert.equal(response.headers.get('pragma'), 'no-cache');
      }
    });

    it('refuses any body but a form with 415 in the token error format', async () => {
      const json = await fetch(`${suite.server.url}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(grantRequest) });
      await assertTokenError(json, 'invalid_request', 415);
      const xml = await fetch(`${suite.server.url}/token`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<a/>' });
      await assertTokenError(xml, 'invalid_request', 415);
      const none = await fetch(`${suite.server.url}/token`, { method: 'POST' });
      await assertTokenError(none, 'invalid_request', 415);
    });

    it('refuses a repeated parameter and an oversized one with invalid_request', async () => {
      const headers = { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuthorization(basic.client.clientId, basic.secret!) };
      const repeated = await fetch(`${suite.server.url}/token`, { method: 'POST', headers, body: 'grant_type=refresh_token&grant_type=refresh_token&refresh_token=x' });
      await assertTokenError(repeated, 'invalid_request');
      const oversized = await postToken(suite.server, { ...grantRequest, refresh_token: 'x'.repeat(suite.server.config.limits.parameterBytes + 1) }, { as: basic });
      await assertTokenError(oversized, 'invalid_request');
    });

    it('refuses a missing grant_type, an unknown one, and one the client is not registered for', async () => {
      await assertTokenError(await postToken(suite.server, {}, { as: basic }), 'invalid_request');
      await assertTokenError(await postToken(suite.server, { grant_type: 'password', username: 'a', password: 'b' }, { as: basic }), 'unsupported_grant_type');
      await assertTokenError(await postToken(suite.server, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' }, { as: basic }), 'unsupported_grant_type');
      await assertTokenError(await postToken(suite.server, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code' }, { as: basic }), 'unauthorized_client');
      await assertTokenError(await postToken(suite.server, { grant_type: 'client_credentials' }, { as: basic }), 'unauthorized_client');
      const codeOnly = await createClient(suite.server, { grantTypes: ['authorization_code'] });
      await assertTokenError(await postToken(suite.server, grantRequest, { as: codeOnly }), 'unauthorized_client');
    });

    it('authenticates each client by its registered method', async () => {
      for (const as of [basic, post, publicClient]) {
        const response = await postToken(suite.server, await codeRequest(as), { as });
        assert.equal(response.status, 200, `${as.client.tokenEndpointAuthMethod}: ${await response.clone().text()}`);
        assert.equal(response.headers.get('cache-control'), 'no-store');
        assert.equal(response.headers.get('pragma'), 'no-cache');
      }
    });

    it('decodes form-urlencoded Basic credentials (RFC 6749 §2.3.1)', async () => {
      const parameters = await codeRequest(basic);
      const secret = basic.secret!;
      // An encoder that escapes every character: a suite.server that skips the form-decoding step sees a different secret.
      const escaped = [...secret].map((character) => `%${character.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
      const authorization = `Basic ${Buffer.from(`${basic.client.clientId}:${escaped}`).toString('base64')}`;
      const response = await postToken(suite.server, parameters, { headers: { authorization } });
      assert.equal(response.status, 200, await response.clone().text());
    });

    it('answers a failed Basic authentication with 401 and a Basic challenge', async () => {
      const wrongSecret = await postToken(suite.server, grantRequest, { headers: { authorization: basicAuthorization(basic.client.clientId, 'wrong') } });
      await assertTokenError(wrongSecret, 'invalid_client', 401);
      assert.equal(wrongSecret.headers.get('www-authenticate'), 'Basic realm="gatehouse"');
      const unknown = await postToken(suite.server, grantRequest, { headers: { authorization: basicAuthorization('no-such-client', 'x') } });
      await assertTokenError(unknown, 'invalid_client', 401);
      assert.equal(unknown.headers.get('www-authenticate'), 'Basic realm="gatehouse"');
      for (const authorization of ['Basic', 'Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`, `Basic ${Buffer.from('a:%zz').toString('base64')}`]) {
        const malformed = await postToken(suite.server, grantRequest, { headers: { authorization } });
        await assertTokenError(malformed, 'invalid_client', 401);
        assert.equal(malformed.headers.get('www-authenticate'), 'Basic realm="gatehouse"', authorization);
      }
    });

    it('answers a failed body authentication with 401 and no challenge', async () => {
      const wrongSecret = await postToken(suite.server, { ...grantRequest, client_id: post.client.clientId, client_secret: 'wrong' });
      await assertTokenError(wrongSecret, 'invalid_client', 401);
      assert.equal(wrongSecret.headers.get('www-authenticate'), null);
      await assertTokenError(await postToken(suite.server, { ...grantRequest, client_id: 'no-such-client', client_secret: 'x' }), 'invalid_client', 401);
      await assertTokenError(await postToken(suite.server, { ...grantRequest, client_id: 'no-such-client' }), 'invalid_client', 401);
      const missing = await postToken(suite.server, grantRequest);
      await assertTokenError(missing, 'invalid_client', 401);
      assert.equal(missing.headers.get('www-authenticate'), null);
    });

    it('refuses every method but the registered one', async () => {
      // A Basic client sending its secret in the body, a post client using Basic, a confidential client without a secret.
      await assertTokenError(await postToken(suite.server, { ...grantRequest, client_id: basic.client.clientId, client_secret: basic.secret! }), 'invalid_client', 401);
      const postAsBasic = await postToken(suite.server, grantRequest, { headers: { authorization: basicAuthorization(post.client.clientId, post.secret!) } });
      await assertTokenError(postAsBasic, 'invalid_client', 401);
      assert.equal(postAsBasic.headers.get('www-authenticate'), 'Basic realm="gatehouse"');
      await assertTokenError(await postToken(suite.server, { ...grantRequest, client_id: basic.client.clientId }), 'invalid_client', 401);
      // A public client presenting a secret authenticates by a method it did not register.
      await assertTokenError(await postToken(suite.server, { ...grantRequest, client_id: publicClient.client.clientId, client_secret: 'anything' }), 'invalid_client', 401);
    });

    it('refuses two authentication methods at once, and a body client_id naming another client', async () => {
      const headers = { authorization: basicAuthorization(basic.client.clientId, basic.secret!) };
      await assertTokenError(await postToken(suite.server, { ...grantRequest, client_secret: basic.secret! }, { headers }), 'invalid_request');
      await assertTokenError(await postToken(suite.server, { ...grantRequest, client_id: post.client.clientId }, { headers }), 'invalid_request');
      const sameId = await postToken(suite.server, { ...(await codeRequest(basic)), client_id: basic.client.clientId }, { headers });
      assert.equal(sameId.status, 200, 'repeating its own client_id in the body is allowed');
    });

    it('accepts the previous secret during its grace period and refuses it after', async () => {
      const rotating = await createClient(suite.server);
      const rotation = new ClientRegistrationService({
        store: suite.server.store, events: new EventBus(() => undefined), context: {}, clientSecretGracePeriod: 3600, clock: epochNow,
      });
      const { clientSecret: newSecret } = await rotation.rotateSecret(rotating.client.clientId);
      assert.equal((await postToken(suite.server, await codeRequest(rotating), { as: rotating })).status, 200, 'previous secret in grace');
      assert.equal((await postToken(suite.server, await codeRequest(rotating), { as: { ...rotating, secret: newSecret } })).status, 200, 'new secret');

      const expired = await createClient(suite.server);
      // Rotated two hours ago with a one-hour grace period.
      const past = new ClientRegistrationService({
        store: suite.server.store, events: new EventBus(() => undefined), context: {}, clientSecretGracePeriod: 3600, clock: () => epochNow() - 7200,
      });
      const { clientSecret: current } = await past.rotateSecret(expired.client.clientId);
      await assertTokenError(await postToken(suite.server, await codeRequest(expired), { as: expired }), 'invalid_client', 401);
      assert.equal((await postToken(suite.server, await codeRequest(expired), { as: { ...expired, secret: current } })).status, 200);
    });

    it('advertises exactly the token endpoint, its grant types and authentication methods', async () => {
      const document = (await (await fetch(`${suite.server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.equal(document.token_endpoint, `${suite.server.config.issuer}/token`);
      assert.deepEqual(document.grant_types_supported, ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code']);
      assert.deepEqual(document.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']);
    });
  });
});
