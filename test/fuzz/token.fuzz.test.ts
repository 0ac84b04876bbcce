// Fuzzing /token and /userinfo: random and malformed parameters, headers and bodies never give a 5xx, and every
// error answer carries an RFC 6749 §5.2 or RFC 6750 §3.1 error code in the endpoint's own format.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { assertErrorShape, authorization, body, CONTENT_TYPES, type Known } from '../support/fuzz-requests.js';
import { forEachEngine } from '../support/database.js';
import { basicAuthorization, createClient, createUser, issueCode, pkcePair, REDIRECT_URI, startGrant, type TestClient } from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';

const RUNS = 200;
const OVERSIZED_URL = 15_000;
const TOKEN_ERRORS = new Set(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'invalid_target']);
const BEARER_ERRORS = new Set(['invalid_request', 'invalid_token', 'insufficient_scope']);
const NAMES = [
  'grant_type', 'code', 'redirect_uri', 'code_verifier', 'refresh_token', 'scope', 'resource', 'client_id', 'client_secret', 'access_token',
  '__proto__', 'constructor', 'a[b]', 'hasOwnProperty',
];

forEachEngine((engine) => {
  describe(`fuzzing the token side (${engine.name})`, () => {
    const suite = useTestServer(engine, { GATEHOUSE_LOG_LEVEL: 'error' });
    let known: Known;
    before(async () => {
      const basic: TestClient = await createClient(suite.server);
      const post = await createClient(suite.server, { tokenEndpointAuthMethod: 'client_secret_post' });
      const user = await createUser(suite.server);
      const pkce = pkcePair();
      const codes = await Promise.all(Array.from({ length: 5 }, () => issueCode(suite.server, basic.client, user, pkce)));
      const grant = await startGrant(suite.server);
      known = {
        values: [
          'authorization_code', 'refresh_token', 'password', REDIRECT_URI, pkce.verifier, 'openid profile', 'openid admin', ...codes,
          grant.tokens.refresh_token!, grant.tokens.access_token, grant.tokens.id_token!, basic.client.clientId, post.client.clientId, post.secret!,
        ],
        authorizations: [
          basicAuthorization(basic.client.clientId, basic.secret!), basicAuthorization(post.client.clientId, post.secret!),
          `Bearer ${grant.tokens.access_token}`, 'Basic', 'Bearer', 'Basic ====',
        ],
      };
    });

    it(`answers ${RUNS} random token requests with 200 or an RFC 6749 error, never a 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...CONTENT_TYPES), body(known, NAMES), authorization(known), async (contentType, text, credentials) => {
          const headers: Record<string, string> = { 'content-type': contentType, ...(credentials === undefined ? {} : { authorization: credentials }) };
          const response = await fetch(`${suite.server.url}/token`, { method: 'POST', headers, body: text });
          assert.equal(response.headers.get('cache-control'), 'no-store');
          assert.equal(response.headers.get('pragma'), 'no-cache');
          await assertErrorShape(response, TOKEN_ERRORS);
        }),
        { numRuns: RUNS },
      );
    });

    it(`answers ${RUNS} random userinfo requests with 200 or an RFC 6750 error, never a 5xx`, async () => {
      const query = fc.oneof(fc.constant(''), body(known, NAMES).map((text) => `?${text}`));
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('GET', 'POST'),
          query,
          fc.constantFrom(...CONTENT_TYPES),
          body(known, NAMES),
          authorization(known),
          async (method, search, contentType, text, credentials) => {
            const headers: Record<string, string> = credentials === undefined ? {} : { authorization: credentials };
            const init: RequestInit = method === 'POST' ? { method, headers: { ...headers, 'content-type': contentType }, body: text } : { method, headers };
            const response = await fetch(`${suite.server.url}/userinfo${search}`, init);
            // Past Node's 16 KiB header limit no route runs: the HTTP foundation answers its JSON invalid_request.
            const reachedRoute = search.length <= OVERSIZED_URL || response.headers.get('x-request-id') !== null;
            if (response.status >= 400 && reachedRoute) assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer realm="gatehouse"/);
            await assertErrorShape(response, BEARER_ERRORS);
          },
        ),
        { numRuns: RUNS },
      );
    });
  });
});
