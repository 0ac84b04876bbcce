// gatehouse/resource-server with DPoP-bound tokens (RFC 9449 §7): the DPoP scheme and a proof of the very request.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { createAccessTokenVerifier, resourceServerPlugin, ResourceServerError, type AccessTokenVerifierOptions } from '../../src/resource-server/index.js';
import { forEachEngine } from '../support/database.js';
import { dpopKey, dpopProof, type DpopKey, type ProofOptions } from '../support/dpop.js';
import { createClient, createUser, issueCode, pkcePair, postToken, REDIRECT_URI, startGrant, type TokenResponseBody } from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';

/** The API's public origin, as clients call it behind its proxy; the test listens elsewhere. */
const ORIGIN = 'https://api.example';
const ALGS = 'algs="ES256 ES384 PS256 RS256 EdDSA"';

async function startApi(options: AccessTokenVerifierOptions): Promise<{ api: FastifyInstance; call: (path: string, headers: Record<string, string>, method?: string) => Promise<Response> }> {
  const api = Fastify();
  await api.register(async (guarded) => {
    await guarded.register(resourceServerPlugin, { verifier: createAccessTokenVerifier(options) });
    guarded.route({ method: ['GET', 'POST'], url: '/orders', handler: (request) => request.principal });
  });
  await api.listen({ host: '127.0.0.1', port: 0 });
  const address = api.server.address();
  assert.ok(typeof address === 'object' && address !== null);
  const call = (path: string, headers: Record<string, string>, method = 'GET') => fetch(`http://127.0.0.1:${address.port}${path}`, { method, headers });
  return { api, call };
}

async function assertRefused(response: Response, error: string): Promise<void> {
  assert.equal(response.status, 401);
  assert.match(response.headers.get('www-authenticate') ?? '', new RegExp(`^DPoP ${ALGS}, realm="orders", error="${error}"`));
  assert.equal(((await response.json()) as { error: string }).error, error);
}

forEachEngine((engine) => {
  describe(`resource server, DPoP-bound tokens (${engine.name})`, () => {
    const suite = useTestServer(engine);
    let key: DpopKey;
    let bound: TokenResponseBody;
    let withDpop: Awaited<ReturnType<typeof startApi>>;
    let withoutDpop: Awaited<ReturnType<typeof startApi>>;
    const options = () => ({ issuer: suite.server.config.issuer, audience: suite.server.config.issuer, realm: 'orders' });
    const proof = (options: Partial<ProofOptions> = {}) => dpopProof(key, { htm: 'GET', htu: `${ORIGIN}/orders`, accessToken: bound.access_token, ...options });
    const dpopCall = async (proofOptions: Partial<ProofOptions> = {}) =>
      withDpop.call('/orders?page=2', { authorization: `DPoP ${bound.access_token}`, dpop: await proof(proofOptions) });

    before(async () => {
      key = await dpopKey();
      const as = await createClient(suite.server);
      const pkce = pkcePair();
      const code = await issueCode(suite.server, as.client, await createUser(suite.server), pkce);
      const dpop = await dpopProof(key, { htu: `${suite.server.config.issuer}/token` });
      const response = await postToken(suite.server, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier }, { as, headers: { dpop } });
      bound = (await response.json()) as TokenResponseBody;
      withDpop = await startApi({ ...options(), dpop: { origin: ORIGIN } });
      withoutDpop = await startApi(options());
    });
    after(async () => {
      await withDpop?.api.close();
      await withoutDpop?.api.close();
    });

    it('accepts a DPoP-bound token with the DPoP scheme and a proof of the request (htu without the query)', async () => {
      const response = await dpopCall();
      assert.equal(response.status, 200, await response.clone().text());
      assert.deepEqual(((await response.json()) as { claims: { cnf: unknown } }).claims.cnf, { jkt: key.jkt });
    });

    it('refuses the token as a bearer token, and through verify(token) without the request', async () => {
      await assertRefused(await withDpop.call('/orders', { authorization: `Bearer ${bound.access_token}` }), 'invalid_token');
      const verifier = createAccessTokenVerifier({ ...options(), dpop: { origin: ORIGIN } });
      await assert.rejects(verifier.verify(bound.access_token), (error) => error instanceof ResourceServerError && error.code === 'invalid_token');
    });

    it('refuses a missing proof, another key, token, path, method, or a replay', async () => {
      await assertRefused(await withDpop.call('/orders', { authorization: `DPoP ${bound.access_token}` }), 'invalid_dpop_proof');
      const other = await dpopKey();
      const foreign = await dpopProof(other, { htm: 'GET', htu: `${ORIGIN}/orders`, accessToken: bound.access_token });
      await assertRefused(await withDpop.call('/orders', { authorization: `DPoP ${bound.access_token}`, dpop: foreign }), 'invalid_dpop_proof');
      await assertRefused(await dpopCall({ accessToken: 'another.access.token' }), 'invalid_dpop_proof');
      await assertRefused(await dpopCall({ htu: `${ORIGIN}/elsewhere` }), 'invalid_dpop_proof');
      await assertRefused(await dpopCall({ htm: 'POST' }), 'invalid_dpop_proof');
      const once = await proof();
      assert.equal((await withDpop.call('/orders', { authorization: `DPoP ${bound.access_token}`, dpop: once })).status, 200);
      await assertRefused(await withDpop.call('/orders', { authorization: `DPoP ${bound.access_token}`, dpop: once }), 'invalid_dpop_proof');
    });

    it("never remembers a proof by another key, so a token's thief cannot crowd out its holder's proofs (RFC 9449 §11.1)", async () => {
      const small = await startApi({ ...options(), dpop: { origin: ORIGIN, replayCacheSize: 2 } });
      try {
        const send = (dpop: string) => small.call('/orders', { authorization: `DPoP ${bound.access_token}`, dpop });
        const captured = await proof();
        assert.equal((await send(captured)).status, 200);
        const thief = await dpopKey();
        for (let flood = 0; flood < 3; flood += 1) {
          await assertRefused(await send(await dpopProof(thief, { htm: 'GET', htu: `${ORIGIN}/orders`, accessToken: bound.access_token })), 'invalid_dpop_proof');
        }
        assert.equal((await send(await proof())).status, 200, 'the holder still has room');
        await assertRefused(await send(captured), 'invalid_dpop_proof');
      } finally {
        await small.api.close();
      }
    });

    it('refuses new proofs while every remembered one is live, and takes them again once old ones expire', async () => {
      let clock = Date.now();
      const full = await startApi({ ...options(), now: () => clock, dpop: { origin: ORIGIN, replayCacheSize: 2, proofMaxAge: 60 } });
      try {
        const send = async () => full.call('/orders', { authorization: `DPoP ${bound.access_token}`, dpop: await proof({ iat: Math.floor(clock / 1000) }) });
        const first = await proof({ iat: Math.floor(clock / 1000) });
        assert.equal((await full.call('/orders', { authorization: `DPoP ${bound.access_token}`, dpop: first })).status, 200);
        assert.equal((await send()).status, 200);
        const refused = await send();
        await assertRefused(refused.clone(), 'invalid_dpop_proof');
        assert.equal(((await refused.json()) as { error_description: string }).error_description, 'Too many DPoP proofs are in use at once: retry shortly.');
        clock += 61_000;
        assert.equal((await send()).status, 200, 'expired proofs are forgotten');
      } finally {
        await full.api.close();
      }
    });

    it('refuses a replay in the last second the proof is accepted (proofMaxAge after its iat)', async () => {
      let clock = Date.now();
      const edge = await startApi({ ...options(), now: () => clock, dpop: { origin: ORIGIN, proofMaxAge: 60 } });
      try {
        const dpop = await proof({ iat: Math.floor(clock / 1000) });
        const send = () => edge.call('/orders', { authorization: `DPoP ${bound.access_token}`, dpop });
        assert.equal((await send()).status, 200);
        clock = (Math.floor(clock / 1000) + 60) * 1000;
        await assertRefused(await send(), 'invalid_dpop_proof');
      } finally {
        await edge.api.close();
      }
    });

    it("takes the proof's path from originalUrl when there is one (Express under a mounted router)", async () => {
      const verifier = createAccessTokenVerifier({ ...options(), dpop: { origin: ORIGIN } });
      const mounted = async (htu: string) => ({
        method: 'GET', url: '/orders?page=2', originalUrl: '/api/orders?page=2',
        headers: { authorization: `DPoP ${bound.access_token}`, dpop: await proof({ htu }) },
      });
      const principal = await verifier.authenticate(await mounted(`${ORIGIN}/api/orders`));
      assert.deepEqual(principal.claims.cnf, { jkt: key.jkt });
      await assert.rejects(verifier.authenticate(await mounted(`${ORIGIN}/orders`)), (error) => error instanceof ResourceServerError && error.code === 'invalid_dpop_proof');
    });

    it('refuses DPoP-bound tokens when not given the dpop option', async () => {
      await assertRefused(await withoutDpop.call('/orders', { authorization: `DPoP ${bound.access_token}`, dpop: await proof() }), 'invalid_token');
    });

    it('keeps accepting bearer tokens as before, and refuses one presented with the DPoP scheme', async () => {
      const { tokens } = await startGrant(suite.server);
      assert.equal((await withDpop.call('/orders', { authorization: `Bearer ${tokens.access_token}` })).status, 200);
      const dpop = await proof({ accessToken: tokens.access_token });
      await assertRefused(await withDpop.call('/orders', { authorization: `DPoP ${tokens.access_token}`, dpop }), 'invalid_token');
    });
  });
});
