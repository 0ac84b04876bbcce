// Fuzzing the device flow (RFC 8628): /device_authorization, the device_code grant at /token and the verification page
// never give a 5xx; the endpoints' errors carry RFC 6749 §5.2 / RFC 8628 §3.5 codes, the page's are pages.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { DEVICE_CODE_GRANT_TYPE } from '../../src/store/records.js';
import { assertErrorShape, authorization, body, CONTENT_TYPES, type Known } from '../support/fuzz-requests.js';
import { forEachEngine } from '../support/database.js';
import { createDeviceClient, decideOnDevice, startDeviceAuthorization } from '../support/device.js';
import { basicAuthorization, createClient, createUser } from '../support/flow-fixtures.js';
import { BrowserLike } from '../support/browser-like.js';
import { hiddenFields } from '../support/authorization.js';
import { useTestServer } from '../support/server.js';

const RUNS = 150;
const DEVICE_ERRORS = new Set(['invalid_request', 'invalid_client', 'unauthorized_client', 'invalid_scope', 'invalid_target']);
const GRANT_ERRORS = new Set([
  'invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'invalid_target',
  'authorization_pending', 'slow_down', 'expired_token', 'access_denied',
]);
const NAMES = ['grant_type', 'device_code', 'scope', 'resource', 'client_id', 'client_secret', 'user_code', 'csrf_token', '__proto__', 'a[b]'];

forEachEngine((engine) => {
  describe(`fuzzing the device flow (${engine.name})`, () => {
    const suite = useTestServer(engine, { GATEHOUSE_LOG_LEVEL: 'error' });
    let known: Known;
    let csrf: { readonly browser: BrowserLike; readonly token: string };
    before(async () => {
      const device = await createDeviceClient(suite.server);
      const confidential = await createClient(suite.server, { redirectUris: [], grantTypes: [DEVICE_CODE_GRANT_TYPE] });
      const user = await createUser(suite.server);
      const [pending, approved, denied] = [
        await startDeviceAuthorization(suite.server, device),
        await startDeviceAuthorization(suite.server, device),
        await startDeviceAuthorization(suite.server, device),
      ];
      await decideOnDevice(suite.server, user, approved.user_code, 'allow');
      await decideOnDevice(suite.server, user, denied.user_code, 'deny');
      known = {
        values: [
          DEVICE_CODE_GRANT_TYPE, 'openid', 'openid profile', 'openid admin', device.client.clientId, confidential.client.clientId,
          pending.device_code, approved.device_code, denied.device_code, pending.user_code, pending.user_code.toLowerCase(), 'https://api.example/',
        ],
        authorizations: [basicAuthorization(confidential.client.clientId, confidential.secret!), 'Basic', 'Basic ===='],
      };
      const browser = new BrowserLike(suite.server.url);
      csrf = { browser, token: hiddenFields(await (await browser.get('/device')).text()).csrf_token! };
    });

    it(`answers ${RUNS} random device authorization requests with 200 or an RFC 6749 error, never a 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...CONTENT_TYPES), body(known, NAMES), authorization(known), async (contentType, text, credentials) => {
          const headers: Record<string, string> = { 'content-type': contentType, ...(credentials === undefined ? {} : { authorization: credentials }) };
          const response = await fetch(`${suite.server.url}/device_authorization`, { method: 'POST', headers, body: text });
          assert.equal(response.headers.get('cache-control'), 'no-store');
          await assertErrorShape(response, DEVICE_ERRORS);
        }),
        { numRuns: RUNS },
      );
    });

    it(`answers ${RUNS} random device_code token requests with 200 or an RFC 8628 error, never a 5xx`, async () => {
      const grantBody = body(known, NAMES).map((text) => `grant_type=${encodeURIComponent(DEVICE_CODE_GRANT_TYPE)}&${text}`);
      await fc.assert(
        fc.asyncProperty(grantBody, authorization(known), async (text, credentials) => {
          const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...(credentials === undefined ? {} : { authorization: credentials }) };
          const response = await fetch(`${suite.server.url}/token`, { method: 'POST', headers, body: text });
          await assertErrorShape(response, GRANT_ERRORS);
        }),
        { numRuns: RUNS },
      );
    });

    it(`answers ${RUNS} random verification page requests with a page, never a 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('GET', 'POST'), body(known, NAMES), fc.boolean(), async (method, text, withToken) => {
          const form = withToken ? `csrf_token=${encodeURIComponent(csrf.token)}&${text}` : text;
          const response = method === 'GET'
            ? await csrf.browser.get(`/device?${text}`)
            : await csrf.browser.fetch('/device', { method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
          assert.ok(response.status < 500, `no 5xx (got ${response.status})`);
          // Past Node's 16 KiB header limit no route runs: the HTTP foundation answers its JSON invalid_request.
          const reachedRoute = response.headers.get('x-request-id') !== null;
          if (response.status !== 303 && reachedRoute) assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
          await response.body?.cancel();
        }),
        { numRuns: RUNS },
      );
    });
  });
});
