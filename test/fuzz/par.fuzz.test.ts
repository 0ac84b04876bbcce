// Fuzzing pushed authorization requests (RFC 9126): random and malformed bodies and credentials at /par never give a
// 5xx, and get a request_uri or an RFC 9126 §2.3 JSON error; random request_uri values at /authorize get a login
// redirect or a page, never a 5xx and never a redirect elsewhere.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { CODE_CHALLENGE } from '../support/authorization.js';
import { forEachEngine } from '../support/database.js';
import { basicAuthorization, createClient, REDIRECT_URI, type TestClient } from '../support/flow-fixtures.js';
import { authorization, body, CONTENT_TYPES, type Known } from '../support/fuzz-requests.js';
import { pushRequest, REQUEST_URI_PATTERN } from '../support/pushed-requests.js';
import { useTestServer } from '../support/server.js';

const RUNS = 200;
const PAR_ERRORS = new Set([
  'invalid_request', 'invalid_client', 'invalid_scope', 'invalid_target', 'unsupported_response_type', 'request_not_supported',
]);
const NAMES = [
  'response_type', 'client_id', 'client_secret', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method',
  'prompt', 'max_age', 'response_mode', 'login_hint', 'request', 'request_uri', 'resource', 'client_assertion', 'client_assertion_type',
  '__proto__', 'constructor', 'a[b]',
];

forEachEngine((engine) => {
  describe(`fuzzing pushed authorization requests (${engine.name})`, () => {
    const suite = useTestServer(engine, { GATEHOUSE_LOG_LEVEL: 'error' });
    let known: Known;
    let basic: TestClient;
    let publicClient: TestClient;
    let requestUris: string[];
    before(async () => {
      basic = await createClient(suite.server);
      publicClient = await createClient(suite.server, { clientType: 'public' });
      requestUris = await Promise.all(Array.from({ length: 5 }, () => pushRequest(suite.server, publicClient)));
      known = {
        values: [
          'code', 'token', 'S256', 'plain', CODE_CHALLENGE, REDIRECT_URI, 'openid profile', 'openid admin', 'none', 'login', 'form_post',
          basic.client.clientId, publicClient.client.clientId, basic.secret!, ...requestUris,
        ],
        authorizations: [basicAuthorization(basic.client.clientId, basic.secret!), 'Basic', 'Basic ===='],
      };
    });

    it(`answers ${RUNS} random pushes with 201 and a request_uri or an RFC 9126 §2.3 error, never a 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...CONTENT_TYPES), body(known, NAMES), authorization(known), async (contentType, text, credentials) => {
          const headers: Record<string, string> = { 'content-type': contentType, ...(credentials === undefined ? {} : { authorization: credentials }) };
          const response = await fetch(`${suite.server.url}/par`, { method: 'POST', headers, body: text });
          assert.ok(response.status < 500, `no 5xx (got ${response.status})`);
          assert.equal(response.headers.get('cache-control'), 'no-store');
          assert.equal(response.headers.get('location'), null, 'never a redirect');
          const parsed = (await response.json()) as { error?: string; request_uri?: string };
          if (response.status === 201) assert.match(parsed.request_uri ?? '', REQUEST_URI_PATTERN);
          else assert.ok(parsed.error !== undefined && PAR_ERRORS.has(parsed.error), `an RFC error code: ${JSON.stringify(parsed)}`);
        }),
        { numRuns: RUNS },
      );
    });

    it(`answers ${RUNS} random request_uri uses at /authorize with a login redirect or a page, never a 5xx`, async () => {
      // Over limits.parameterBytes, yet three of them stay within Node's 16 KiB header limit, so the route answers.
      const oversized = 'x'.repeat(4200);
      const value = fc.oneof(fc.constantFrom(...known.values, 'urn:ietf:params:oauth:request_uri:'), fc.string({ maxLength: 40 }), fc.constant(oversized));
      const pair = fc.tuple(fc.constantFrom('client_id', 'request_uri', 'request_uri', 'redirect_uri', 'state'), value);
      await fc.assert(
        fc.asyncProperty(fc.array(pair, { maxLength: 3 }), async (pairs) => {
          const response = await fetch(`${suite.server.url}/authorize?${new URLSearchParams(pairs).toString()}`, { redirect: 'manual' });
          assert.ok(response.status < 500, `no 5xx (got ${response.status})`);
          const location = response.headers.get('location');
          // Only a redirect to the login page, or an error at the client's registered redirect URI.
          if (location !== null) assert.ok(location.startsWith(`${suite.server.config.issuer}/login?`) || location.startsWith(`${REDIRECT_URI}?`), location);
          else assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
          await response.body?.cancel();
        }),
        { numRuns: RUNS },
      );
    });
  });
});
