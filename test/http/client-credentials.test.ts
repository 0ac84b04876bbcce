// The client credentials grant (RFC 6749 §4.4) with resource indicators (RFC 8707): an RFC 9068 token for one API.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiRegistration, createApi, createServiceClient } from '../support/apis.js';
import { forEachEngine } from '../support/database.js';
import { assertTokenError, auditEvents, basicAuthorization, createClient, getUserInfo, postToken, verifyJwt, type TokenResponseBody } from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';

forEachEngine((engine) => {
  describe(`client credentials grant (${engine.name})`, () => {
    const suite = useTestServer(engine);
    const grant = { grant_type: 'client_credentials' };

    it('issues an RFC 9068 token for the API: sub is the client, aud the API, its scopes and lifetime, nothing else', async () => {
      const api = await createApi(suite.server, { accessTokenTtl: 300 });
      const as = await createServiceClient(suite.server, [api]);
      const response = await postToken(suite.server, { ...grant, resource: api.identifier, scope: 'read:invoices' }, { as });
      assert.equal(response.status, 200, await response.clone().text());
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const body = (await response.json()) as TokenResponseBody;
      assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'scope', 'token_type']);
      assert.equal(body.expires_in, 300);
      assert.equal(body.scope, 'read:invoices');
      const { payload, protectedHeader } = await verifyJwt(suite.server, body.access_token, { typ: 'at+jwt', audience: api.identifier });
      assert.equal(protectedHeader.typ, 'at+jwt');
      assert.equal(payload.sub, as.client.clientId);
      assert.equal(payload.client_id, as.client.clientId);
      assert.equal(payload.scope, 'read:invoices');
      assert.equal(payload.exp! - payload.iat!, 300);
      assert.equal(payload.gid, undefined);
      assert.equal(payload.auth_time, undefined);
      const [event] = await auditEvents(suite.server, 'token.issued');
      assert.equal(event?.clientId, as.client.clientId);
      assert.deepEqual(event?.details, { grantType: 'client_credentials', audience: api.identifier });
    });

    it('without scope grants every scope allowed; without resource uses the client\'s only API and the default lifetime', async () => {
      const api = await createApi(suite.server);
      const as = await createServiceClient(suite.server, [api]);
      const body = (await (await postToken(suite.server, grant, { as })).json()) as TokenResponseBody;
      assert.equal(body.scope, 'read:invoices write:invoices');
      assert.equal(body.expires_in, suite.server.config.tokens.accessTokenTtl);
      await verifyJwt(suite.server, body.access_token, { typ: 'at+jwt', audience: api.identifier });
    });

    it('limits scopes to those the client is allowed at the API', async () => {
      const api = await createApi(suite.server);
      const as = await createServiceClient(suite.server, []);
      await apiRegistration(suite.server).allowClient(as.client.clientId, api.identifier, ['read:invoices']);
      await assertTokenError(await postToken(suite.server, { ...grant, scope: 'write:invoices' }, { as }), 'invalid_scope');
      await assertTokenError(await postToken(suite.server, { ...grant, scope: 'openid' }, { as }), 'invalid_scope');
      await assertTokenError(await postToken(suite.server, { ...grant, scope: 'read:invoices "x' }, { as }), 'invalid_scope');
      const body = (await (await postToken(suite.server, grant, { as })).json()) as TokenResponseBody;
      assert.equal(body.scope, 'read:invoices');
    });

    it('answers invalid_target for a malformed, unknown, unallowed or ambiguous resource', async () => {
      const [allowed, other, unallowed] = [await createApi(suite.server), await createApi(suite.server), await createApi(suite.server)];
      const as = await createServiceClient(suite.server, [allowed, other]);
      for (const resource of ['not a uri', 'https://api.example/#fragment', 'https://unknown.example/', unallowed.identifier]) {
        await assertTokenError(await postToken(suite.server, { ...grant, resource }, { as }), 'invalid_target');
      }
      // Two APIs allowed and none named: which one is meant cannot be guessed.
      await assertTokenError(await postToken(suite.server, grant, { as }), 'invalid_target');
      const both = new URLSearchParams([...Object.entries(grant), ['resource', allowed.identifier], ['resource', other.identifier]]);
      // RFC 8707 §2.2: several resources would need a token for several audiences; one per token here.
      const headers = { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuthorization(as.client.clientId, as.secret!) };
      const twice = await fetch(`${suite.server.url}/token`, { method: 'POST', headers, body: both.toString() });
      await assertTokenError(twice, 'invalid_target');
      const none = await createServiceClient(suite.server, []);
      await assertTokenError(await postToken(suite.server, grant, { as: none }), 'invalid_target');
    });

    it('refuses a client not registered for it, and the wrong secret', async () => {
      const api = await createApi(suite.server);
      const codeClient = await createClient(suite.server);
      await apiRegistration(suite.server).allowClient(codeClient.client.clientId, api.identifier, []);
      await assertTokenError(await postToken(suite.server, grant, { as: codeClient }), 'unauthorized_client');
      const as = await createServiceClient(suite.server, [api]);
      await assertTokenError(await postToken(suite.server, grant, { as: { ...as, secret: 'wrong' } }), 'invalid_client', 401);
    });

    it('stops issuing once the API or the client\'s access to it is removed', async () => {
      const api = await createApi(suite.server);
      const as = await createServiceClient(suite.server, [api]);
      await apiRegistration(suite.server).disallowClient(as.client.clientId, api.identifier);
      await assertTokenError(await postToken(suite.server, { ...grant, resource: api.identifier }, { as }), 'invalid_target');
      const second = await createServiceClient(suite.server, [api]);
      await apiRegistration(suite.server).delete(api.identifier);
      await assertTokenError(await postToken(suite.server, { ...grant, resource: api.identifier }, { as: second }), 'invalid_target');
    });

    it('gives a token that userinfo refuses: it is for the API, not for Gatehouse', async () => {
      const api = await createApi(suite.server);
      const as = await createServiceClient(suite.server, [api]);
      const body = (await (await postToken(suite.server, grant, { as })).json()) as TokenResponseBody;
      const response = await getUserInfo(suite.server, body.access_token);
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    });
  });
});
