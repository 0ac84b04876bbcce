// DPoP-bound tokens at userinfo (RFC 9449 §7) and introspection (§6.2), and server nonces (§8).
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { forEachEngine } from '../support/database.js';
import { dpopKey, dpopProof, type DpopKey, type ProofOptions } from '../support/dpop.js';
import { assertTokenError, createClient, createUser, getUserInfo, issueCode, pkcePair, postToken, REDIRECT_URI, type TokenResponseBody } from '../support/flow-fixtures.js';
import { introspect } from '../support/token-management.js';
import { useTestServer, type TestServer } from '../support/server.js';

const DPOP_CHALLENGE = /^DPoP algs="ES256 ES384 PS256 RS256 EdDSA", realm="gatehouse", error="([a-z_]+)"/;

/** A confidential client's code exchange, with the given DPoP header. */
async function exchange(server: TestServer, dpop: string | undefined): Promise<Response> {
  const as = await createClient(server);
  const pkce = pkcePair();
  const code = await issueCode(server, as.client, await createUser(server), pkce);
  const parameters = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier };
  return postToken(server, parameters, { as, headers: dpop === undefined ? {} : { dpop } });
}

async function assertChallenge(response: Response, error: string): Promise<void> {
  assert.equal(response.status, 401);
  assert.equal(DPOP_CHALLENGE.exec(response.headers.get('www-authenticate') ?? '')?.[1], error, response.headers.get('www-authenticate') ?? '');
  assert.equal(((await response.json()) as { error: string }).error, error);
}

forEachEngine((engine) => {
  describe(`DPoP at userinfo and introspection (${engine.name})`, () => {
    const suite = useTestServer(engine);
    let key: DpopKey;
    let tokens: TokenResponseBody;
    const userinfoUrl = () => `${suite.server.config.issuer}/userinfo`;
    const proof = (options: Partial<ProofOptions> = {}) => dpopProof(key, { htm: 'GET', htu: userinfoUrl(), accessToken: tokens.access_token, ...options });
    const userinfo = (authorization: string, dpop?: string) =>
      fetch(`${suite.server.url}/userinfo`, { headers: { authorization, ...(dpop === undefined ? {} : { dpop }) } });

    before(async () => {
      key = await dpopKey();
      const response = await exchange(suite.server, await dpopProof(key, { htu: `${suite.server.config.issuer}/token` }));
      tokens = (await response.json()) as TokenResponseBody;
    });

    it('answers a DPoP-bound token presented with the DPoP scheme and a proof for this request', async () => {
      const response = await userinfo(`DPoP ${tokens.access_token}`, await proof());
      assert.equal(response.status, 200, await response.clone().text());
      assert.equal(typeof ((await response.json()) as { sub: unknown }).sub, 'string');
    });

    it("stores no jti of a proof by another key, so a token's thief cannot fill the replay table", async () => {
      const thief = await dpopKey();
      const jti = randomUUID();
      const foreign = await dpopProof(thief, { htm: 'GET', htu: userinfoUrl(), accessToken: tokens.access_token, jti });
      await assertChallenge(await userinfo(`DPoP ${tokens.access_token}`, foreign), 'invalid_dpop_proof');
      const jtiHash = createHash('sha256').update(`${thief.jkt}.${jti}`, 'utf8').digest('base64url');
      assert.deepEqual(await suite.database.sql(`select jti_hash from dpop_proof_jtis where jti_hash = '${jtiHash}'`), []);
    });

    it('refuses a DPoP-bound token sent as a bearer token, with the DPoP challenge', async () => {
      await assertChallenge(await getUserInfo(suite.server, tokens.access_token), 'invalid_token');
    });

    it('refuses a missing proof, a proof by another key, for another token (ath), URL or method', async () => {
      await assertChallenge(await userinfo(`DPoP ${tokens.access_token}`), 'invalid_dpop_proof');
      const other = await dpopKey();
      await assertChallenge(await userinfo(`DPoP ${tokens.access_token}`, await dpopProof(other, { htm: 'GET', htu: userinfoUrl(), accessToken: tokens.access_token })), 'invalid_dpop_proof');
      await assertChallenge(await userinfo(`DPoP ${tokens.access_token}`, await proof({ accessToken: 'another.access.token' })), 'invalid_dpop_proof');
      await assertChallenge(await userinfo(`DPoP ${tokens.access_token}`, await proof({ htu: `${suite.server.config.issuer}/token` })), 'invalid_dpop_proof');
      await assertChallenge(await userinfo(`DPoP ${tokens.access_token}`, await proof({ htm: 'POST' })), 'invalid_dpop_proof');
    });

    it('refuses a replayed proof at userinfo', async () => {
      const dpop = await proof();
      assert.equal((await userinfo(`DPoP ${tokens.access_token}`, dpop)).status, 200);
      await assertChallenge(await userinfo(`DPoP ${tokens.access_token}`, dpop), 'invalid_dpop_proof');
    });

    it('keeps bearer tokens working, and refuses one claimed as DPoP-bound', async () => {
      const bearer = (await (await exchange(suite.server, undefined)).json()) as TokenResponseBody;
      assert.equal((await getUserInfo(suite.server, bearer.access_token)).status, 200);
      await assertChallenge(await userinfo(`DPoP ${bearer.access_token}`, await proof({ accessToken: bearer.access_token })), 'invalid_token');
    });

    it('introspection reports token_type DPoP and the key confirmation', async () => {
      const as = await createClient(suite.server);
      const pkce = pkcePair();
      const code = await issueCode(suite.server, as.client, await createUser(suite.server), pkce);
      const response = await postToken(suite.server, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier }, {
        as,
        headers: { dpop: await dpopProof(key, { htu: `${suite.server.config.issuer}/token` }) },
      });
      const own = (await response.json()) as TokenResponseBody;
      const answer = await introspect(suite.server, own.access_token, as);
      assert.equal(answer.token_type, 'DPoP');
      assert.deepEqual(answer.cnf, { jkt: key.jkt });
    });
  });

  describe(`DPoP server nonces (${engine.name})`, () => {
    const suite = useTestServer(engine, { GATEHOUSE_DPOP_REQUIRE_NONCE: 'true' });
    let key: DpopKey;
    before(async () => {
      key = await dpopKey();
    });
    const tokenProof = (nonce?: string) => dpopProof(key, { htu: `${suite.server.config.issuer}/token`, ...(nonce === undefined ? {} : { nonce }) });

    it('answers a proof without the nonce with use_dpop_nonce and a DPoP-Nonce, then accepts the nonce', async () => {
      const refused = await exchange(suite.server, await tokenProof());
      const nonce = refused.headers.get('dpop-nonce');
      assert.ok(nonce !== null && nonce.length > 0, 'a DPoP-Nonce header');
      await assertTokenError(refused, 'use_dpop_nonce');
      await assertTokenError(await exchange(suite.server, await tokenProof('1.forged-nonce')), 'use_dpop_nonce');
      const accepted = await exchange(suite.server, await tokenProof(nonce));
      assert.equal(accepted.status, 200, await accepted.clone().text());
      assert.ok(accepted.headers.get('dpop-nonce'), 'every DPoP answer carries a fresh nonce');
    });

    it('asks for the nonce at userinfo with a 401 DPoP challenge', async () => {
      const first = await exchange(suite.server, await tokenProof());
      const tokens = (await (await exchange(suite.server, await tokenProof(first.headers.get('dpop-nonce')!))).json()) as TokenResponseBody;
      const refused = await fetch(`${suite.server.url}/userinfo`, {
        headers: { authorization: `DPoP ${tokens.access_token}`, dpop: await dpopProof(key, { htm: 'GET', htu: `${suite.server.config.issuer}/userinfo`, accessToken: tokens.access_token }) },
      });
      assert.ok(refused.headers.get('dpop-nonce'));
      await assertChallenge(refused, 'use_dpop_nonce');
    });
  });
});
