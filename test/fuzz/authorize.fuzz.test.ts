// Fuzzing /authorize: random and malformed query strings and form bodies never give a 5xx; every answer is a
// redirect carrying an RFC error code or a code, a step of our own flow, or an HTML error page for the person.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { ClientRecord } from '../../src/store/records.js';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { CALLBACK, CODE_CHALLENGE, plantSession, registerClient, registerUser } from '../support/authorization.js';

const RUNS = 100;
const OVERSIZED_URL = 15_000;
const NATIVE_CALLBACK = 'http://127.0.0.1/native';
const RFC_ERRORS = new Set([
  'invalid_request', 'unauthorized_client', 'access_denied', 'unsupported_response_type', 'invalid_scope',
  'temporarily_unavailable', 'login_required', 'consent_required', 'interaction_required', 'request_not_supported',
  'request_uri_not_supported', 'invalid_target',
]);

/** Parameter names the endpoint knows, plus noise. */
const NAMES = [
  'client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method',
  'prompt', 'max_age', 'response_mode', 'login_hint', 'request', 'request_uri', 'id_token_hint', 'resource', '__proto__', 'constructor', 'a[b]',
];

function valueFor(client: ClientRecord): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      client.clientId, CALLBACK, 'http://127.0.0.1:9/native', `${CALLBACK}/`, 'code', 'token', 'code id_token', 'openid profile', 'openid admin',
      CODE_CHALLENGE, 'S256', 'plain', 'none', 'https://api.example/', 'https://api.example/#f', 'login consent', 'none login', 'select_account', '0', '-1', 'form_post', 'fragment',
    ),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constant('x'.repeat(5000)),
  );
}

/** A query string or form body: mostly well-formed pairs, sometimes raw bytes and broken escapes. */
function rawParameters(client: ClientRecord): fc.Arbitrary<string> {
  const pair = fc
    .tuple(fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 8 })), valueFor(client))
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  const junk = fc.constantFrom('%', '%zz', '&&', '=', '==x', '%00', '+', 'client_id', `client_id=${client.clientId}`, `redirect_uri=${encodeURIComponent(CALLBACK)}`);
  return fc.array(fc.oneof({ weight: 4, arbitrary: pair }, { weight: 1, arbitrary: junk }), { maxLength: 12 }).map((parts) => parts.join('&'));
}

async function assertAcceptable(response: Response, origin: string): Promise<void> {
  assert.ok(response.status < 500, `no 5xx (got ${response.status})`);
  const location = response.headers.get('location');
  if (response.status === 303 && location !== null) {
    const url = new URL(location, origin);
    if (url.origin === origin) return assert.match(url.pathname, /^\/(login|consent)$/);
    assert.ok([CALLBACK, 'http://127.0.0.1:9/native', NATIVE_CALLBACK].some((uri) => location.startsWith(`${uri}?`)), location);
    const error = url.searchParams.get('error');
    assert.ok(error === null ? url.searchParams.get('code') : RFC_ERRORS.has(error), `an RFC error code or a code: ${location}`);
    return;
  }
  assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
  const body = await response.text();
  if (response.status === 200) return assert.match(body, /name="(error|code)"/, 'a form_post response');
  assert.ok(response.status >= 400, `an error page (got ${response.status})`);
}

forEachEngine((engine) => {
  describe('fuzzing the authorization endpoint', () => {
    const suite = useTestServer(engine, { GATEHOUSE_LOG_LEVEL: 'error' });
    let client: ClientRecord;
    let browsers: BrowserLike[];
    before(async () => {
      client = await registerClient(suite.database.store, { redirectUris: [CALLBACK, NATIVE_CALLBACK], scope: 'openid profile', firstParty: true });
      const loggedIn = new BrowserLike(suite.server.url);
      await plantSession(suite.database.store, suite.server.config, loggedIn, await registerUser(suite.database.store));
      browsers = [new BrowserLike(suite.server.url), loggedIn];
    });

    it(`answers ${RUNS} random query strings without a 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(rawParameters(client), fc.nat(1), async (query, who) => {
          const response = await browsers[who]!.get(`/authorize?${query}`);
          // Past Node's 16 KiB header limit no route runs: the HTTP foundation answers its JSON invalid_request.
          if (query.length > OVERSIZED_URL && response.headers.get('content-type')?.startsWith('application/json')) {
            assert.equal(response.status, 400);
            return assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
          }
          await assertAcceptable(response, suite.server.url);
        }),
        { numRuns: RUNS },
      );
    });

    it(`answers ${RUNS} random form bodies without a 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(rawParameters(client), fc.nat(1), async (body, who) => {
          const headers = { 'content-type': 'application/x-www-form-urlencoded' };
          await assertAcceptable(await browsers[who]!.fetch('/authorize', { method: 'POST', headers, body }), suite.server.url);
        }),
        { numRuns: RUNS },
      );
    });
  });
});
