// POST /par (RFC 9126 §2): client authentication as at the token endpoint, the whole authorization request validated
// up front, every error a JSON answer (never a redirect), and a single-use request_uri stored only as a hash.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachEngine } from '../support/database.js';
import { basicAuthorization, createClient, postToken } from '../support/flow-fixtures.js';
import { eventually } from '../support/logout-receiver.js';
import { pushedParameters, postPushedRequest, pushRequest, REQUEST_URI_PATTERN } from '../support/pushed-requests.js';
import { useTestServer } from '../support/server.js';
import { createApi } from '../support/apis.js';
import { createKeyClient, generateClientKey, signAssertion } from '../support/client-assertions.js';
import { JWT_BEARER_ASSERTION_TYPE } from '../../src/clients/private-key-jwt.js';

/** Each invalid authorization request parameter, and the RFC 9126 §2.3 error it gets. */
const INVALID: ReadonlyArray<readonly [string, Readonly<Record<string, string | undefined>>, string]> = [
  ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
  ['no response_type', { response_type: undefined }, 'invalid_request'],
  ['no code_challenge', { code_challenge: undefined }, 'invalid_request'],
  ['code_challenge_method=plain', { code_challenge_method: 'plain' }, 'invalid_request'],
  ['a short code_challenge', { code_challenge: 'abc' }, 'invalid_request'],
  ['an unknown scope', { scope: 'openid admin' }, 'invalid_scope'],
  ['no scope', { scope: undefined }, 'invalid_scope'],
  ['an unregistered redirect_uri', { redirect_uri: 'https://evil.example/cb' }, 'invalid_request'],
  ['prompt=select_account', { prompt: 'select_account' }, 'invalid_request'],
  ['a negative max_age', { max_age: '-1' }, 'invalid_request'],
  ['response_mode=fragment', { response_mode: 'fragment' }, 'invalid_request'],
  ['a request object', { request: 'eyJhbGciOiJub25lIn0.e30.' }, 'request_not_supported'],
  ['a request_uri inside the pushed request', { request_uri: 'urn:ietf:params:oauth:request_uri:abc' }, 'invalid_request'],
  ['an unknown resource', { resource: 'https://unknown-api.example' }, 'invalid_target'],
  ['an oversized state', { state: 's'.repeat(5 * 1024) }, 'invalid_request'],
];

interface ErrorBody {
  readonly error: string;
  readonly error_description: string;
}

/** RFC 9126 §2.3: a JSON error with the RFC 6749 §5.2 shape, never cached, never a redirect. */
async function jsonError(response: Response, status: number, error: string): Promise<ErrorBody> {
  assert.equal(response.status, status);
  assert.equal(response.headers.get('location'), null, 'never a redirect');
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  const body = (await response.json()) as ErrorBody;
  assert.equal(body.error, error, body.error_description);
  return body;
}

forEachEngine((engine) => {
  describe(`pushed authorization requests: POST /par (${engine.name})`, () => {
    const suite = useTestServer(engine);

    it('answers 201 with a request_uri and expires_in, never cached, storing only its hash and no credential', async () => {
      const as = await createClient(suite.server, { tokenEndpointAuthMethod: 'client_secret_post' });
      const response = await postPushedRequest(suite.server, as);
      assert.equal(response.status, 201);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(response.headers.get('pragma'), 'no-cache');
      const body = (await response.json()) as { request_uri: string; expires_in: number };
      assert.deepEqual(Object.keys(body).sort(), ['expires_in', 'request_uri']);
      assert.match(body.request_uri, REQUEST_URI_PATTERN);
      assert.equal(body.expires_in, 60);
      const rows = await suite.database.sql(`select request_hash, parameters from pushed_authorization_requests where client_id = '${as.client.clientId}'`);
      assert.equal(rows.length, 1);
      const stored = JSON.stringify(rows);
      assert.ok(!stored.includes(body.request_uri.split(':').pop()!), 'the request_uri itself is never stored');
      assert.ok(!stored.includes(as.secret!), 'the client secret is never stored');
      assert.equal((JSON.parse(String(rows[0]?.parameters)) as Record<string, unknown>).client_secret, undefined);
      await eventually('the push is audited', async () =>
        (await suite.server.store.audit.list({ limit: 100, type: 'authorization_request.pushed' })).some((event) => event.clientId === as.client.clientId),
      );
    });

    it('gives every push its own request_uri', async () => {
      const as = await createClient(suite.server);
      const [first, second] = [await pushRequest(suite.server, as), await pushRequest(suite.server, as)];
      assert.notEqual(first, second);
    });

    it('takes a public client identified by client_id alone, and a Basic client without client_id in the body', async () => {
      const publicClient = await createClient(suite.server, { clientType: 'public' });
      await pushRequest(suite.server, publicClient);
      const basic = await createClient(suite.server);
      const response = await postToken(suite.server, pushedParameters(basic, { client_id: undefined }), { path: '/par', headers: { authorization: basicAuthorization(basic.client.clientId, basic.secret!) } });
      assert.equal(response.status, 201);
    });

    it('takes resource indicators, which may repeat (RFC 8707 §2)', async () => {
      const [first, second] = [await createApi(suite.server), await createApi(suite.server)];
      const as = await createClient(suite.server);
      await suite.server.store.apis.allowClient(as.client.clientId, first.identifier, 'read:invoices', 0);
      await suite.server.store.apis.allowClient(as.client.clientId, second.identifier, 'read:invoices', 0);
      const body = new URLSearchParams(pushedParameters(as, { scope: 'openid read:invoices' }));
      body.append('resource', first.identifier);
      body.append('resource', second.identifier);
      const headers = { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuthorization(as.client.clientId, as.secret!) };
      const response = await fetch(`${suite.server.url}/par`, { method: 'POST', headers, body: body.toString() });
      assert.equal(response.status, 201, await response.clone().text());
    });

    for (const [variant, overrides, error] of INVALID) {
      it(`answers ${variant} with ${error} as JSON`, async () => {
        const as = await createClient(suite.server);
        await jsonError(await postPushedRequest(suite.server, as, overrides), 400, error);
      });
    }

    it('refuses a request whose parameters, unknown ones included, exceed limits.interactionBytes', async () => {
      const as = await createClient(suite.server);
      const filler = { x_one: 'a'.repeat(3000), x_two: 'b'.repeat(3000), x_three: 'c'.repeat(3000) };
      const body = await jsonError(await postPushedRequest(suite.server, as, filler), 400, 'invalid_request');
      assert.equal(body.error_description, 'The authorization request is too large.');
      assert.equal((await postPushedRequest(suite.server, as, { x_one: filler.x_one })).status, 201, 'within the limit, unknown parameters are kept');
    });

    it('authenticates a private_key_jwt client by an assertion addressed to /par, the issuer or /token, and stores no assertion', async () => {
      const key = await generateClientKey();
      const as = await createKeyClient(suite.server, { jwks: [key] });
      // RFC 9126 §2: the issuer, the token endpoint URL and the PAR endpoint URL are all accepted audiences.
      for (const aud of [`${suite.server.config.issuer}/par`, suite.server.config.issuer, `${suite.server.config.issuer}/token`]) {
        const assertion = await signAssertion(suite.server, as.client.clientId, key, { claims: { aud } });
        const body = new URLSearchParams({ ...pushedParameters(as), client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: assertion });
        const response = await fetch(`${suite.server.url}/par`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
        assert.equal(response.status, 201, await response.clone().text());
      }
      const elsewhere = await signAssertion(suite.server, as.client.clientId, key, { claims: { aud: `${suite.server.config.issuer}/introspect` } });
      const refused = new URLSearchParams({ ...pushedParameters(as), client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: elsewhere });
      await jsonError(await fetch(`${suite.server.url}/par`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: refused.toString() }), 401, 'invalid_client');
      const rows = await suite.database.sql(`select parameters from pushed_authorization_requests where client_id = '${as.client.clientId}'`);
      assert.equal(rows.length, 3);
      for (const row of rows) assert.deepEqual(Object.keys(JSON.parse(String(row.parameters)) as object).filter((name) => name.startsWith('client_assertion')), []);
    });

    it('answers a repeated parameter with invalid_request as JSON', async () => {
      const as = await createClient(suite.server, { tokenEndpointAuthMethod: 'client_secret_post' });
      const body = new URLSearchParams({ ...pushedParameters(as), client_secret: as.secret! });
      body.append('state', 'again');
      const response = await fetch(`${suite.server.url}/par`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
      await jsonError(response, 400, 'invalid_request');
    });

    it('refuses failed client authentication with 401 invalid_client, with a Basic challenge when Basic was tried', async () => {
      const as = await createClient(suite.server);
      const wrongSecret = await postToken(suite.server, pushedParameters(as), { path: '/par', headers: { authorization: basicAuthorization(as.client.clientId, 'wrong') } });
      await jsonError(wrongSecret, 401, 'invalid_client');
      assert.equal(wrongSecret.headers.get('www-authenticate'), 'Basic realm="gatehouse"');
      const noCredentials = await postToken(suite.server, pushedParameters(as), { path: '/par' });
      await jsonError(noCredentials, 401, 'invalid_client');
      const unknown = await postToken(suite.server, { ...pushedParameters(as), client_id: 'no-such-client' }, { path: '/par' });
      await jsonError(unknown, 401, 'invalid_client');
      const publicWithSecret = await createClient(suite.server, { clientType: 'public' });
      await jsonError(await postToken(suite.server, { ...pushedParameters(publicWithSecret), client_secret: 'x' }, { path: '/par' }), 401, 'invalid_client');
    });

    it('refuses a client_id in the body naming another client than the authenticated one', async () => {
      const [as, other] = [await createClient(suite.server), await createClient(suite.server)];
      const body = await jsonError(await postPushedRequest(suite.server, as, { client_id: other.client.clientId }), 400, 'invalid_request');
      assert.equal(body.error_description, 'The client_id parameter does not match the authenticated client.');
    });

    it('refuses another content type with 415 and another method with 405, as JSON', async () => {
      const as = await createClient(suite.server, { clientType: 'public' });
      const json = await fetch(`${suite.server.url}/par`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(pushedParameters(as)) });
      await jsonError(json, 415, 'invalid_request');
      await jsonError(await fetch(`${suite.server.url}/par`), 405, 'method_not_allowed');
    });

    it('advertises the endpoint and that pushing is not required of every client (RFC 9126 §5)', async () => {
      const document = (await (await fetch(`${suite.server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.equal(document.pushed_authorization_request_endpoint, `${suite.server.config.issuer}/par`);
      assert.equal(document.require_pushed_authorization_requests, false);
    });
  });
});
