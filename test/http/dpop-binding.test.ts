// DPoP-bound tokens from the token endpoint (RFC 9449 §5, §10): cnf.jkt, public clients' refresh tokens bound to the
// key, dpop_jkt at /authorize, and clients registered with dpop_bound_access_tokens.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { authorizeUrl, CALLBACK, CODE_VERIFIER, plantSession, redirectParameters, registerClient, registerUser, assertErrorRedirect } from '../support/authorization.js';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { dpopKey, dpopProof, type DpopKey } from '../support/dpop.js';
import {
  assertTokenError,
  createClient,
  createUser,
  issueCode,
  pkcePair,
  postToken,
  REDIRECT_URI,
  type TestClient,
  type TokenResponseBody,
  verifyJwt,
} from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';

forEachEngine((engine) => {
  describe(`DPoP-bound tokens at /token (${engine.name})`, () => {
    const suite = useTestServer(engine);
    let key: DpopKey;
    let otherKey: DpopKey;
    before(async () => {
      [key, otherKey] = [await dpopKey(), await dpopKey('EdDSA')];
    });
    const proofBy = async (by: DpopKey) => ({ dpop: await dpopProof(by, { htu: `${suite.server.config.issuer}/token` }) });
    const publicClient = () => createClient(suite.server, { clientType: 'public', tokenEndpointAuthMethod: 'none' });

    async function exchange(as: TestClient, by: DpopKey | undefined): Promise<Response> {
      const pkce = pkcePair();
      const code = await issueCode(suite.server, as.client, await createUser(suite.server), pkce);
      const parameters = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier };
      return postToken(suite.server, parameters, { as, headers: by === undefined ? {} : await proofBy(by) });
    }
    const refresh = async (as: TestClient, refreshToken: string, by: DpopKey | undefined) =>
      postToken(suite.server, { grant_type: 'refresh_token', refresh_token: refreshToken }, { as, headers: by === undefined ? {} : await proofBy(by) });
    const tokensOf = async (response: Response) => {
      assert.equal(response.status, 200, await response.clone().text());
      return (await response.json()) as TokenResponseBody;
    };
    const cnfOf = async (accessToken: string) =>
      (await verifyJwt(suite.server, accessToken, { typ: 'at+jwt', audience: suite.server.config.issuer })).payload.cnf;

    it('binds the access token to the proof key (cnf.jkt) and answers token_type DPoP', async () => {
      const tokens = await tokensOf(await exchange(await publicClient(), key));
      assert.equal(tokens.token_type, 'DPoP');
      assert.deepEqual(await cnfOf(tokens.access_token), { jkt: key.jkt });
    });

    it('keeps issuing bearer tokens without a proof', async () => {
      const tokens = await tokensOf(await exchange(await publicClient(), undefined));
      assert.equal(tokens.token_type, 'Bearer');
      assert.equal(await cnfOf(tokens.access_token), undefined);
    });

    it("binds a public client's refresh token to the key: another key or none gets invalid_grant, the key itself refreshes", async () => {
      const as = await publicClient();
      const tokens = await tokensOf(await exchange(as, key));
      await assertTokenError(await refresh(as, tokens.refresh_token!, otherKey), 'invalid_grant');
      await assertTokenError(await refresh(as, tokens.refresh_token!, undefined), 'invalid_grant');
      const refreshed = await tokensOf(await refresh(as, tokens.refresh_token!, key));
      assert.equal(refreshed.token_type, 'DPoP');
      assert.deepEqual(await cnfOf(refreshed.access_token), { jkt: key.jkt });
      await assertTokenError(await refresh(as, refreshed.refresh_token!, otherKey), 'invalid_grant');
    });

    it("leaves a confidential client's refresh token unbound (RFC 9449 §5)", async () => {
      const as = await createClient(suite.server);
      const tokens = await tokensOf(await exchange(as, key));
      assert.equal(tokens.token_type, 'DPoP');
      const bearer = await tokensOf(await refresh(as, tokens.refresh_token!, undefined));
      assert.equal(bearer.token_type, 'Bearer');
      const rebound = await tokensOf(await refresh(as, bearer.refresh_token!, otherKey));
      assert.deepEqual(await cnfOf(rebound.access_token), { jkt: otherKey.jkt });
    });

    it('requires a proof of every request of a client registered with dpop_bound_access_tokens', async () => {
      const as = await createClient(suite.server, { clientType: 'public', tokenEndpointAuthMethod: 'none', dpopBoundAccessTokens: true });
      await assertTokenError(await exchange(as, undefined), 'invalid_dpop_proof');
      const tokens = await tokensOf(await exchange(as, key));
      assert.equal(tokens.token_type, 'DPoP');
    });

    it('binds the code to dpop_jkt: only a proof by that key redeems it', async () => {
      const { store } = suite.database;
      const client = await registerClient(store, { clientType: 'public', tokenEndpointAuthMethod: 'none', secretHash: null, firstParty: true });
      const browser = new BrowserLike(suite.server.url);
      await plantSession(store, suite.server.config, browser, await registerUser(store));
      const code = redirectParameters(await browser.get(authorizeUrl(client, { dpop_jkt: key.jkt }))).get('code')!;
      const as = { client, secret: null };
      const parameters = { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: CODE_VERIFIER };
      const send = async (by: DpopKey | undefined) => postToken(suite.server, parameters, { as, headers: by === undefined ? {} : await proofBy(by) });
      await assertTokenError(await send(otherKey), 'invalid_grant');
      await assertTokenError(await send(undefined), 'invalid_grant');
      assert.equal((await tokensOf(await send(key))).token_type, 'DPoP');
    });

    it('refuses a malformed dpop_jkt at /authorize with invalid_request', async () => {
      const { store } = suite.database;
      const client = await registerClient(store, { firstParty: true });
      const browser = new BrowserLike(suite.server.url);
      await plantSession(store, suite.server.config, browser, await registerUser(store));
      assertErrorRedirect(await browser.get(authorizeUrl(client, { dpop_jkt: 'too-short' })), 'invalid_request', suite.server.config.issuer);
    });
  });
});
