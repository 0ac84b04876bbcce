// Fuzzing /logout (the end_session_endpoint): random and malformed query strings and form bodies never give a 5xx;
// every answer is a page for the person (confirmation, result or error) or a redirect to a registered URI.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { ClientRecord } from '../../src/store/records.js';
import { createIdToken } from '../../src/tokens/id-token.js';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { epochNow } from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';
import { plantSession, registerClient, registerUser } from '../support/authorization.js';

const RUNS = 100;
const BYE = 'https://client.example/bye';
const NAMES = ['id_token_hint', 'client_id', 'post_logout_redirect_uri', 'state', 'ui_locales', 'logout_hint', 'csrf_token', '__proto__', 'a[b]'];

/** A query string or form body: mostly well-formed pairs, sometimes raw bytes and broken escapes. */
function rawParameters(values: readonly string[]): fc.Arbitrary<string> {
  const value = fc.oneof(fc.constantFrom(...values), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.constant('x'.repeat(5000)));
  const pair = fc
    .tuple(fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 8 })), value)
    .map(([name, text]) => `${encodeURIComponent(name)}=${encodeURIComponent(text)}`);
  const junk = fc.constantFrom('%', '%zz', '&&', '=', '==x', '%00', '+', 'state=a&state=b');
  return fc.array(fc.oneof({ weight: 4, arbitrary: pair }, { weight: 1, arbitrary: junk }), { maxLength: 8 }).map((parts) => parts.join('&'));
}

async function assertAcceptable(response: Response, issuer: string): Promise<void> {
  assert.ok(response.status < 500, `no 5xx (got ${response.status})`);
  const location = response.headers.get('location');
  if (location !== null) {
    assert.equal(response.status, 303);
    // A logout request POSTed without the session cookie is repeated as a GET of /logout itself.
    const repeated = location.startsWith(`${issuer}/logout?`);
    return assert.ok(repeated || location === BYE || location.startsWith(`${BYE}?state=`), `only to the registered URI or /logout: ${location}`);
  }
  if (response.headers.get('content-type')?.startsWith('application/json')) {
    // Only what the HTTP foundation answers before any route runs (too large a URL or body).
    assert.ok(response.status === 400 || response.status === 413 || response.status === 431, `status ${response.status}`);
    return assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
  }
  assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
  assert.ok(response.status === 200 || response.status === 400 || response.status === 403, `a page (got ${response.status})`);
  await response.text();
}

forEachEngine((engine) => {
  describe('fuzzing the end_session_endpoint', () => {
    const suite = useTestServer(engine, { GATEHOUSE_LOG_LEVEL: 'error' });
    let client: ClientRecord;
    let values: string[];
    let signedIn: () => Promise<BrowserLike>;
    before(async () => {
      const { store, config, keyRing } = suite.server;
      client = await registerClient(store, { postLogoutRedirectUris: [BYE] });
      const user = await registerUser(store);
      const now = epochNow();
      const hint = (sessionId: string, age: number) =>
        createIdToken({ issuer: config.issuer, userId: user.userId, clientId: client.clientId, authTime: now, sessionId, nonce: null, accessToken: 'a', now: now - age, ttl: 600 }, keyRing.activeKey('RS256')!);
      signedIn = async () => {
        const browser = new BrowserLike(suite.server.url);
        await plantSession(store, config, browser, user);
        return browser;
      };
      values = [client.clientId, BYE, `${BYE}/`, hint('some-session', 0), hint('other', 86_400), 'eyJhbGciOiJub25lIn0.e30.', 'a.b.c', 'fr en'];
    });

    it(`answers ${RUNS} random query strings and form bodies, signed in or not, without a 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(rawParameters(values), fc.boolean(), fc.boolean(), async (parameters, withSession, asForm) => {
          const browser = withSession ? await signedIn() : new BrowserLike(suite.server.url);
          const headers = { 'content-type': 'application/x-www-form-urlencoded' };
          const response = asForm ? await browser.fetch('/logout', { method: 'POST', headers, body: parameters }) : await browser.get(`/logout?${parameters}`);
          await assertAcceptable(response, suite.server.config.issuer);
        }),
        { numRuns: RUNS },
      );
    });

    it('answers a POST of another content type without a 5xx', async () => {
      for (const [type, body] of [['application/json', '{"client_id":1}'], ['text/plain', 'x'], ['multipart/form-data; boundary=x', '--x--']]) {
        const response = await fetch(`${suite.server.url}/logout`, { method: 'POST', headers: { 'content-type': type! }, body });
        assert.ok(response.status >= 400 && response.status < 500, `${type}: ${response.status}`);
      }
    });
  });
});
