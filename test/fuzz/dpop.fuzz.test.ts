// Fuzzing the DPoP header at /token and /userinfo: random text, random JWS parts, and proofs signed with random header
// members and claims never give a 5xx; every refusal is an RFC 9449 (or RFC 6749 §5.2, RFC 6750 §3.1) error code.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { forEachEngine } from '../support/database.js';
import { dpopKey, dpopProof, type DpopKey } from '../support/dpop.js';
import { createClient, createUser, issueCode, pkcePair, postToken, REDIRECT_URI, type TestClient, type TokenResponseBody } from '../support/flow-fixtures.js';
import { assertErrorShape } from '../support/fuzz-requests.js';
import { useTestServer } from '../support/server.js';

const RUNS = 150;
const TOKEN_ERRORS = new Set(['invalid_dpop_proof', 'use_dpop_nonce', 'invalid_grant', 'invalid_request']);
const USERINFO_ERRORS = new Set(['invalid_dpop_proof', 'use_dpop_nonce', 'invalid_token', 'invalid_request']);
const HEADER_NAMES = ['typ', 'alg', 'jwk', 'kid', 'crit', 'b64', '__proto__'];
const CLAIM_NAMES = ['htm', 'htu', 'iat', 'jti', 'ath', 'nonce', 'exp', '__proto__'];

/** Printable header text: what an HTTP client can put in a header at all. */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 300 });
const segment = fc.string({ unit: fc.constantFrom(...'ABCabc019-_='.split('')), maxLength: 80 });
const members = (names: readonly string[]) => fc.dictionary(fc.constantFrom(...names), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });

forEachEngine((engine) => {
  describe(`fuzzing the DPoP header (${engine.name})`, () => {
    const suite = useTestServer(engine, { GATEHOUSE_LOG_LEVEL: 'error' });
    let key: DpopKey;
    let as: TestClient;
    let accessToken: string;
    before(async () => {
      key = await dpopKey();
      as = await createClient(suite.server, { clientType: 'public', tokenEndpointAuthMethod: 'none' });
      // A DPoP-bound token, so userinfo gets as far as the proof.
      const pkce = pkcePair();
      const code = await issueCode(suite.server, as.client, await createUser(suite.server), pkce);
      const dpop = await dpopProof(key, { htu: `${suite.server.config.issuer}/token` });
      const parameters = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier };
      const tokens = (await (await postToken(suite.server, parameters, { as, headers: { dpop } })).json()) as TokenResponseBody;
      assert.equal(tokens.token_type, 'DPoP');
      accessToken = tokens.access_token;
    });

    /** A DPoP header value: a near-valid proof with random members, random JWS parts, or random text. */
    const dpopHeader = (htm: string, path: string, withToken: boolean) =>
      fc.oneof(
        fc.tuple(members(HEADER_NAMES), members(CLAIM_NAMES)).map(([header, claims]) => ({ header, claims })),
        fc.tuple(segment, segment, segment).map((parts) => parts.join('.')),
        headerText,
      ).chain((value) =>
        typeof value === 'string'
          ? fc.constant(Promise.resolve(value))
          : fc.constant(dpopProof(key, { htm, htu: `${suite.server.config.issuer}${path}`, ...(withToken ? { accessToken } : {}), ...value }).catch(() => 'unsignable')),
      );

    it(`answers ${RUNS} code exchanges with random DPoP headers with an RFC error, never a 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(dpopHeader('POST', '/token', false), async (pending) => {
          const dpop = await pending;
          const parameters = { grant_type: 'authorization_code', code: 'unknown-code', redirect_uri: REDIRECT_URI, code_verifier: 'v'.repeat(43) };
          const response = await postToken(suite.server, parameters, { as, headers: { dpop } });
          assert.notEqual(response.status, 200, 'an unknown code is never redeemed');
          await assertErrorShape(response, TOKEN_ERRORS);
        }),
        { numRuns: RUNS },
      );
    });

    it(`answers ${RUNS} userinfo calls with the DPoP scheme and random DPoP headers with an RFC error, never a 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(dpopHeader('GET', '/userinfo', true), async (pending) => {
          const response = await fetch(`${suite.server.url}/userinfo`, { headers: { authorization: `DPoP ${accessToken}`, dpop: await pending } });
          await assertErrorShape(response, USERINFO_ERRORS);
        }),
        { numRuns: RUNS },
      );
    });
  });
});
