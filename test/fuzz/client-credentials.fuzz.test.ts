// Fuzzing the client credentials grant: an authenticated client with random scope and (repeated) resource parameters
// always gets a token or an RFC 6749 §5.2 / RFC 8707 §2 error, never a 5xx, and a token only for an API it may use.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeJwt } from 'jose';
import type { ApiRecord } from '../../src/store/records.js';
import { createApi, createServiceClient } from '../support/apis.js';
import { forEachEngine } from '../support/database.js';
import { basicAuthorization, type TestClient } from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';

const RUNS = 150;
const ERRORS = new Set(['invalid_request', 'invalid_scope', 'invalid_target']);

forEachEngine((engine) => {
  describe(`fuzzing client credentials (${engine.name})`, () => {
    const suite = useTestServer(engine, { GATEHOUSE_LOG_LEVEL: 'error' });
    let as: TestClient;
    let allowed: ApiRecord;
    let unallowed: ApiRecord;
    before(async () => {
      [allowed, unallowed] = [await createApi(suite.server), await createApi(suite.server)];
      as = await createServiceClient(suite.server, [allowed]);
    });

    it(`answers ${RUNS} random scope and resource combinations with a token for the allowed API or an RFC error`, async () => {
      const text = fc.oneof(
        fc.constantFrom(allowed.identifier, unallowed.identifier, `${allowed.identifier}#x`, 'read:invoices', 'write:invoices', 'openid', 'read:invoices write:invoices', ''),
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        fc.string({ unit: 'binary', maxLength: 20 }),
        fc.constant('x'.repeat(5000)),
      );
      const pair = fc.tuple(fc.constantFrom('scope', 'resource', 'resource', 'resource[]', 'audience'), text);
      await fc.assert(
        fc.asyncProperty(fc.array(pair, { maxLength: 5 }), async (pairs) => {
          const body = new URLSearchParams([['grant_type', 'client_credentials'], ...pairs]);
          const headers = { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuthorization(as.client.clientId, as.secret!) };
          const response = await fetch(`${suite.server.url}/token`, { method: 'POST', headers, body: body.toString() });
          assert.ok(response.status < 500, `no 5xx (got ${response.status})`);
          const parsed = (await response.json()) as { error?: string; access_token?: string };
          if (response.status !== 200) {
            assert.ok(parsed.error !== undefined && ERRORS.has(parsed.error), `an RFC error code: ${JSON.stringify(parsed)}`);
            return;
          }
          // RFC 8707: whatever was asked, a token is only ever for the API the client may use.
          assert.equal(decodeJwt(parsed.access_token!).aud, allowed.identifier);
        }),
        { numRuns: RUNS },
      );
    });
  });
});
