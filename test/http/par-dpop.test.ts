// DPoP at /par (RFC 9449 §10.1): a proof sent with the push binds the code to its key, as dpop_jkt would; a dpop_jkt
// sent beside it must name the same key; a bad proof refuses the push.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { CODE_VERIFIER, plantSession, redirectParameters } from '../support/authorization.js';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { dpopKey, dpopProof, type DpopKey } from '../support/dpop.js';
import { assertTokenError, createClient, createUser, postToken, REDIRECT_URI, type TestClient, type TokenResponseBody } from '../support/flow-fixtures.js';
import { pushedAuthorizeUrl, pushedParameters } from '../support/pushed-requests.js';
import { useTestServer } from '../support/server.js';

forEachEngine((engine) => {
  describe(`DPoP at /par (${engine.name})`, () => {
    const suite = useTestServer(engine);
    let key: DpopKey;
    let otherKey: DpopKey;
    before(async () => {
      [key, otherKey] = [await dpopKey(), await dpopKey('EdDSA')];
    });
    const publicClient = () => createClient(suite.server, { clientType: 'public', tokenEndpointAuthMethod: 'none', firstParty: true });
    const proofFor = async (by: DpopKey, path: string) => ({ dpop: await dpopProof(by, { htu: `${suite.server.config.issuer}${path}` }) });

    async function push(as: TestClient, by: DpopKey | undefined, overrides: Readonly<Record<string, string>> = {}): Promise<Response> {
      const headers = by === undefined ? {} : await proofFor(by, '/par');
      return postToken(suite.server, pushedParameters(as, overrides), { as, path: '/par', headers });
    }

    /** The code /authorize issues for a pushed request, to a person already logged in. */
    async function codeOf(as: TestClient, pushed: Response): Promise<string> {
      const body = (await pushed.json()) as { request_uri: string };
      assert.equal(pushed.status, 201, JSON.stringify(body));
      const browser = new BrowserLike(suite.server.url);
      await plantSession(suite.database.store, suite.server.config, browser, await createUser(suite.server));
      return redirectParameters(await browser.get(pushedAuthorizeUrl(as.client.clientId, body.request_uri)), REDIRECT_URI).get('code')!;
    }

    async function redeem(as: TestClient, code: string, by: DpopKey | undefined): Promise<Response> {
      const parameters = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: CODE_VERIFIER };
      return postToken(suite.server, parameters, { as, headers: by === undefined ? {} : await proofFor(by, '/token') });
    }

    it("binds the code to the key of the push's DPoP proof: another key gets invalid_grant, that key a DPoP token", async () => {
      const as = await publicClient();
      const code = await codeOf(as, await push(as, key));
      await assertTokenError(await redeem(as, code, otherKey), 'invalid_grant');
      await assertTokenError(await redeem(as, code, undefined), 'invalid_grant');
      const tokens = await redeem(as, code, key);
      assert.equal(tokens.status, 200, await tokens.clone().text());
      assert.equal(((await tokens.json()) as TokenResponseBody).token_type, 'DPoP');
    });

    it('accepts dpop_jkt beside a proof by the same key, and binds the code by dpop_jkt pushed alone', async () => {
      const as = await publicClient();
      const both = await codeOf(as, await push(as, key, { dpop_jkt: key.jkt }));
      await assertTokenError(await redeem(as, both, otherKey), 'invalid_grant');
      assert.equal((await redeem(as, both, key)).status, 200);
      const alone = await codeOf(as, await push(as, undefined, { dpop_jkt: key.jkt }));
      await assertTokenError(await redeem(as, alone, otherKey), 'invalid_grant');
      assert.equal((await redeem(as, alone, key)).status, 200);
    });

    it('refuses a push whose dpop_jkt is not the key of its proof with invalid_dpop_proof, storing nothing', async () => {
      const as = await publicClient();
      const response = await push(as, key, { dpop_jkt: otherKey.jkt });
      await assertTokenError(response, 'invalid_dpop_proof');
      assert.deepEqual(await suite.database.sql(`select client_id from pushed_authorization_requests where client_id = '${as.client.clientId}'`), []);
    });

    it('refuses a push with a proof for another endpoint with invalid_dpop_proof', async () => {
      const as = await publicClient();
      const response = await postToken(suite.server, pushedParameters(as), { as, path: '/par', headers: await proofFor(key, '/token') });
      await assertTokenError(response, 'invalid_dpop_proof');
    });
  });
});
