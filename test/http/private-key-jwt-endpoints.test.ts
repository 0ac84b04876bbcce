// private_key_jwt at /introspect and /revoke (RFC 7523 §3, RFC 7662 §2.1, RFC 7009 §2.1): a client assertion
// addressed to the issuer or to the endpoint called authenticates; one addressed to another endpoint does not.
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import { JWT_BEARER_ASSERTION_TYPE } from '../../src/clients/private-key-jwt.js';
import { apiRegistration, createApi } from '../support/apis.js';
import { createKeyClient, generateClientKey, signAssertion, type ClientKey } from '../support/client-assertions.js';
import { forEachEngine } from '../support/database.js';
import type { TestClient } from '../support/flow-fixtures.js';
import { useTestServer, type TestServer } from '../support/server.js';

function postAuthenticated(server: TestServer, path: string, parameters: Record<string, string>, assertion: string): Promise<Response> {
  const body = new URLSearchParams({ ...parameters, client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: assertion });
  return fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
}

forEachEngine((engine) => {
  describe(`private_key_jwt at the introspection and revocation endpoints (${engine.name})`, () => {
    const suite = useTestServer(engine);
    let key: ClientKey;
    let as: TestClient;
    const signFor = (aud: string) => signAssertion(suite.server, as.client.clientId, key, { claims: { aud } });

    before(async () => {
      key = await generateClientKey();
      as = await createKeyClient(suite.server, { jwks: [key] }, { grantTypes: ['client_credentials'], redirectUris: [] });
      const api = await createApi(suite.server);
      await apiRegistration(suite.server).allowClient(as.client.clientId, api.identifier, []);
    });

    async function issueToken(): Promise<string> {
      const response = await postAuthenticated(suite.server, '/token', { grant_type: 'client_credentials' }, await signFor(suite.server.config.issuer));
      assert.equal(response.status, 200, await response.clone().text());
      return ((await response.json()) as { access_token: string }).access_token;
    }

    async function introspect(token: string, aud: string): Promise<Response> {
      return postAuthenticated(suite.server, '/introspect', { token }, await signFor(aud));
    }

    it('introspects and revokes with an assertion addressed to the endpoint or to the issuer', async () => {
      const { issuer } = suite.server.config;
      const token = await issueToken();
      for (const aud of [`${issuer}/introspect`, issuer]) {
        const response = await introspect(token, aud);
        assert.equal(response.status, 200, aud);
        assert.equal(((await response.json()) as { active: boolean }).active, true, aud);
      }
      const revoked = await postAuthenticated(suite.server, '/revoke', { token }, await signFor(`${issuer}/revoke`));
      assert.equal(revoked.status, 200);
      assert.deepEqual(await (await introspect(token, issuer)).json(), { active: false });
    });

    it('refuses an assertion addressed to another endpoint with 401 invalid_client', async () => {
      const { issuer } = suite.server.config;
      const token = await issueToken();
      const atIntrospection = await introspect(token, `${issuer}/token`);
      assert.equal(atIntrospection.status, 401);
      assert.equal(((await atIntrospection.json()) as { error: string }).error, 'invalid_client');
      const atRevocation = await postAuthenticated(suite.server, '/revoke', { token }, await signFor(`${issuer}/introspect`));
      assert.equal(atRevocation.status, 401);
      assert.equal(((await (await introspect(token, issuer)).json()) as { active: boolean }).active, true, 'the refused revocation changed nothing');
    });
  });
});
