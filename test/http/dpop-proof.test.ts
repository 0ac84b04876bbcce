// DPoP proofs at the token endpoint (RFC 9449 §4.3): each check refuses its own broken proof with invalid_dpop_proof.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type JWTHeaderParameters } from 'jose';
import { forEachEngine } from '../support/database.js';
import { dpopKey, dpopProof, type DpopKey, type ProofOptions } from '../support/dpop.js';
import { assertTokenError, auditEvents, createClient, createUser, epochNow, issueCode, pkcePair, postToken, REDIRECT_URI } from '../support/flow-fixtures.js';
import { pushedParameters } from '../support/pushed-requests.js';
import { useTestServer, type TestServer } from '../support/server.js';

/** A public client's code exchange, ready to send with any DPoP header. */
async function codeExchange(server: TestServer) {
  const as = await createClient(server, { clientType: 'public', tokenEndpointAuthMethod: 'none' });
  const pkce = pkcePair();
  const code = await issueCode(server, as.client, await createUser(server), pkce);
  const parameters = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier };
  return {
    body: new URLSearchParams({ ...parameters, client_id: as.client.clientId }).toString(),
    send: (dpop?: string) => postToken(server, parameters, { as, headers: dpop === undefined ? {} : { dpop } }),
  };
}

forEachEngine((engine) => {
  describe(`DPoP proofs at /token (${engine.name})`, () => {
    const suite = useTestServer(engine);
    let key: DpopKey;
    before(async () => {
      key = await dpopKey();
    });
    const tokenUrl = () => `${suite.server.config.issuer}/token`;
    const proof = (options: Partial<ProofOptions> = {}) => dpopProof(key, { htu: tokenUrl(), ...options });

    /** The exchange is refused with invalid_dpop_proof, and the same code then succeeds with a good proof. */
    async function assertRefused(dpop: string): Promise<void> {
      const exchange = await codeExchange(suite.server);
      await assertTokenError(await exchange.send(dpop), 'invalid_dpop_proof');
      const retried = await exchange.send(await proof());
      assert.equal(retried.status, 200, 'a refused proof leaves the code usable');
    }

    it('accepts a proof with the URL normalised (case, default port) and issues a DPoP token', async () => {
      const url = new URL(tokenUrl());
      const htu = `${url.protocol.toUpperCase()}//${url.host.toUpperCase()}/token?ignored=1#frag`;
      const response = await (await codeExchange(suite.server)).send(await proof({ htu }));
      assert.equal(response.status, 200, await response.clone().text());
      assert.equal(((await response.json()) as { token_type: string }).token_type, 'DPoP');
    });

    it('refuses a replayed proof and records the replay, logged at warn', async () => {
      const dpop = await proof();
      assert.equal((await (await codeExchange(suite.server)).send(dpop)).status, 200);
      await assertRefused(dpop);
      assert.ok((await auditEvents(suite.server, 'dpop_proof.replayed')).length >= 1);
      const lines = suite.server.logs().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { event?: string; level: number });
      assert.equal(lines.find((line) => line.event === 'dpop_proof.replayed')?.level, 40, 'pino warn');
    });

    it('refuses a proof for another URL or another method', async () => {
      await assertRefused(await proof({ htu: `${suite.server.config.issuer}/userinfo` }));
      await assertRefused(await proof({ htu: 'https://elsewhere.example/token' }));
      await assertRefused(await proof({ htu: 'not a url' }));
      await assertRefused(await proof({ htm: 'GET' }));
    });

    it('refuses a proof issued too long ago or in the future', async () => {
      await assertRefused(await proof({ iat: epochNow() - 120 }));
      await assertRefused(await proof({ iat: epochNow() + 120 }));
      await assertRefused(await proof({ claims: { iat: 'now' } }));
    });

    it('refuses a proof signed with another key than its jwk header', async () => {
      const other = await dpopKey();
      await assertRefused(await proof({ header: { jwk: other.publicJwk } }));
    });

    it('refuses a proof without jwk, with a private key in it, or without jti', async () => {
      await assertRefused(await proof({ header: { jwk: undefined } }));
      await assertRefused(await proof({ header: { jwk: await exportJWK(key.privateKey) } }));
      await assertRefused(await proof({ claims: { jti: undefined } }));
    });

    it('refuses a proof of another typ, a symmetric alg, or an RSA private key in jwk', async () => {
      await assertRefused(await proof({ header: { typ: 'JWT' } }));
      const secret = new TextEncoder().encode('a shared secret of thirty-two bytes!');
      const symmetric = await new SignJWT({ htm: 'POST', htu: tokenUrl(), iat: epochNow(), jti: 'hs256' })
        .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: 'c2VjcmV0' } } as unknown as JWTHeaderParameters)
        .sign(secret);
      await assertRefused(symmetric);
      const rsa = await generateKeyPair('RS256', { extractable: true });
      // An RSA private key in the header: refused before its signature is even checked.
      await assertRefused(await new SignJWT({ htm: 'POST', htu: tokenUrl(), iat: epochNow(), jti: 'rsa' })
        .setProtectedHeader({ alg: 'RS256', typ: 'dpop+jwt', jwk: await exportJWK(rsa.privateKey) })
        .sign(rsa.privateKey));
    });

    it('refuses something that is not a JWT, and two DPoP headers', async () => {
      await assertRefused('not.a.jwt');
      await assertRefused('garbage');
      const exchange = await codeExchange(suite.server);
      const [first, second] = [await proof(), await proof()];
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest(`${suite.server.url}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: [first, second] },
        });
        request.on('response', (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        });
        request.on('error', reject);
        request.end(exchange.body);
      });
      // RFC 9449 §4.3 (1): exactly one DPoP header.
      assert.equal(answer.status, 400);
      assert.equal((JSON.parse(answer.body) as { error: string }).error, 'invalid_dpop_proof');
    });
  });

  describe(`DPoP proof replay at the edge of the window (${engine.name})`, () => {
    let now = epochNow();
    const suite = useTestServer(engine, {}, { clock: () => now });

    it('refuses a replay in the last second its iat is still accepted (dpop.proofMaxAge after it)', async () => {
      const key = await dpopKey();
      const as = await createClient(suite.server, { clientType: 'public', tokenEndpointAuthMethod: 'none', firstParty: true });
      const push = (dpop: string) => postToken(suite.server, pushedParameters(as), { as, path: '/par', headers: { dpop } });
      const dpop = await dpopProof(key, { htu: `${suite.server.config.issuer}/par`, iat: now });
      assert.equal((await push(dpop)).status, 201);
      now += suite.server.config.dpop.proofMaxAge;
      await assertTokenError(await push(dpop), 'invalid_dpop_proof');
      const fresh = await dpopProof(key, { htu: `${suite.server.config.issuer}/par`, iat: now - suite.server.config.dpop.proofMaxAge });
      assert.equal((await push(fresh)).status, 201, 'a proof that old is still in the window');
    });
  });
});
