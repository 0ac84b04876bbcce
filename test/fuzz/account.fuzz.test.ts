// Fuzzing the account page's forms: random and malformed form fields, content types and session states never give
// a 5xx; every answer is a page for the person, a redirect to the account page, or a plain 4xx before any route runs.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { accountCsrfToken } from '../../src/account/signed-in.js';
import { sessionCookieName } from '../../src/sessions/sessions.js';
import type { UserRecord } from '../../src/store/records.js';
import { plantSession, registerClient } from '../support/authorization.js';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { body, CONTENT_TYPES } from '../support/fuzz-requests.js';
import { PASSWORD, seedUser } from '../support/login.js';
import { useTestServer } from '../support/server.js';

const RUNS = 150;
const FORMS = ['/account/applications/remove', '/account/sessions/sign-out', '/account/sessions/sign-out-everywhere', '/account/password'];
const NAMES = ['csrf_token', 'client_id', 'session_id', 'current_password', 'new_password', 'confirm_password', '__proto__', 'constructor'];
/** Stands for the signed-in browser's real token, put in place per request. */
const THIS_SESSION_TOKEN = 'THIS-SESSION-TOKEN';

async function assertAcceptable(response: Response, issuer: string): Promise<void> {
  assert.ok(response.status < 500, `no 5xx (got ${response.status})`);
  const location = response.headers.get('location');
  if (location !== null) {
    assert.equal(response.status, 303);
    return assert.ok(location === `${issuer}/account` || location.startsWith(`${issuer}/account?done=`), `only back to the account page: ${location}`);
  }
  assert.ok([200, 400, 403, 413, 415, 429].includes(response.status), `status ${response.status}`);
  await response.text();
}

forEachEngine((engine) => {
  describe('fuzzing the account page forms', () => {
    const suite = useTestServer(engine, { GATEHOUSE_LOG_LEVEL: 'error', GATEHOUSE_RATE_LIMITS_LOGIN_FAILURES_PER_IP: '10000' });
    let user: UserRecord;
    let values: string[];
    before(async () => {
      const { store } = suite.server;
      user = await seedUser(store);
      const client = await registerClient(store);
      await store.consents.save({ userId: user.userId, clientId: client.clientId, scope: 'openid', createdAt: 1, updatedAt: 1, lastUsedAt: null });
      values = [THIS_SESSION_TOKEN, client.clientId, PASSWORD, 'a long enough new password', 'short', 'null', '0'];
    });

    it(`answers ${RUNS} random forms, signed in or not, of any content type and origin, without a 5xx`, async () => {
      const origins = fc.constantFrom(undefined, 'null', suite.server.config.issuer, 'https://evil.example');
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...FORMS), body({ values, authorizations: [] }, NAMES), fc.boolean(), fc.constantFrom(...CONTENT_TYPES), origins, async (path, form, signedIn, type, origin) => {
          const browser = new BrowserLike(suite.server.url);
          if (signedIn) await plantSession(suite.server.store, suite.server.config, browser, user);
          const cookie = browser.cookie(sessionCookieName(suite.server.config));
          const filled = form.replaceAll(THIS_SESSION_TOKEN, cookie === undefined ? 'none' : accountCsrfToken(cookie));
          const headers: Record<string, string> = { 'content-type': type, ...(origin === undefined ? {} : { origin }) };
          await assertAcceptable(await browser.fetch(path, { method: 'POST', headers, body: filled }), suite.server.config.issuer);
        }),
        { numRuns: RUNS },
      );
    });

    it('answers a random query on GET /account without a 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(body({ values: ['access_removed', 'signed_out', 'password_changed', 'toString', '__proto__'], authorizations: [] }, ['done']), async (query) => {
          const browser = new BrowserLike(suite.server.url);
          await plantSession(suite.server.store, suite.server.config, browser, user);
          const response = await browser.get(`/account?${query}`);
          assert.ok(response.status === 200 || response.status === 400 || response.status === 414 || response.status === 431, `status ${response.status}`);
          await response.text();
        }),
        { numRuns: 50 },
      );
    });
  });
});
