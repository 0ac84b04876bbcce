// Fuzzing /introspect and /revoke: random and malformed parameters, credentials and bodies never give a 5xx, every
// answer is no-store, and every error carries an RFC 6749 §5.2 code in the token endpoint's format.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { forEachEngine } from '../support/database.js';
import { basicAuthorization, createClient, startGrant } from '../support/flow-fixtures.js';
import { assertErrorShape, authorization, body, CONTENT_TYPES, type Known } from '../support/fuzz-requests.js';
import { useTestServer } from '../support/server.js';

const RUNS = 200;
// Client authentication and request errors only: these endpoints answer 200 for any token, good or bad.
const ERRORS = new Set(['invalid_request', 'invalid_client']);
const NAMES = ['token', 'token_type_hint', 'client_id', 'client_secret', 'access_token', 'refresh_token', '__proto__', 'constructor', 'a[b]'];

forEachEngine((engine) => {
  describe(`fuzzing introspection and revocation (${engine.name})`, () => {
    const suite = useTestServer(engine, { GATEHOUSE_LOG_LEVEL: 'error' });
    let known: Known;
    before(async () => {
      const grant = await startGrant(suite.server);
      const post = await createClient(suite.server, { tokenEndpointAuthMethod: 'client_secret_post' });
      const publicClient = await createClient(suite.server, { tokenEndpointAuthMethod: 'none' });
      const { as, tokens } = grant;
      known = {
        values: [
          tokens.access_token, tokens.refresh_token!, tokens.id_token!, 'access_token', 'refresh_token', 'id_token',
          as.client.clientId, post.client.clientId, post.secret!, publicClient.client.clientId,
        ],
        authorizations: [basicAuthorization(as.client.clientId, as.secret!), basicAuthorization(post.client.clientId, post.secret!), 'Basic', 'Basic ===='],
      };
    });

    for (const path of ['/introspect', '/revoke']) {
      it(`answers ${RUNS} random ${path} requests with 200 or an RFC 6749 error, never a 5xx`, async () => {
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...CONTENT_TYPES), body(known, NAMES), authorization(known), async (contentType, text, credentials) => {
            const headers: Record<string, string> = { 'content-type': contentType, ...(credentials === undefined ? {} : { authorization: credentials }) };
            const response = await fetch(`${suite.server.url}${path}`, { method: 'POST', headers, body: text });
            assert.equal(response.headers.get('cache-control'), 'no-store');
            assert.equal(response.headers.get('pragma'), 'no-cache');
            await assertErrorShape(response, ERRORS);
          }),
          { numRuns: RUNS },
        );
      });
    }
  });
});
