// Which key signs what at the token endpoint: ID tokens in the client's registered algorithm (RS256 by default),
// access tokens in keys.accessTokenAlgorithm, verified by jose against the JWKS served at /jwks.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyResult } from 'jose';
import { systemClock } from '../../src/clock.js';
import { EventBus } from '../../src/observability/events.js';
import type { SigningAlgorithm } from '../../src/store/records.js';
import { createKeyEncryption } from '../../src/tokens/keys/key-encryption.js';
import { KeyRing } from '../../src/tokens/keys/key-ring.js';
import { hashOpaqueValue } from '../../src/tokens/opaque.js';
import { createTestStore, forEachEngine } from '../support/database.js';
import {
  assertTokenError,
  createClient,
  createUser,
  issueCode,
  pkcePair,
  postToken,
  REDIRECT_URI,
  redeemCode,
  type TestClient,
  type TokenResponseBody,
} from '../support/flow-fixtures.js';
import { startTestServer, TEST_ENCRYPTION_SECRET, useTestServer } from '../support/server.js';
import { aClient } from '../store/fixtures.js';

forEachEngine((engine) => {
  describe(`token signing algorithms (${engine.name})`, () => {
    const suite = useTestServer(engine);

    /** Verifies as a relying party that fetched /jwks and accepts exactly `alg`. */
    function verifyOverHttp(token: string, alg: SigningAlgorithm, typ: string, audience: string): Promise<JWTVerifyResult> {
      const { server } = suite;
      const jwks = createRemoteJWKSet(new URL(`${server.url}/jwks`));
      return jwtVerify(token, jwks, { issuer: server.config.issuer, audience, typ, algorithms: [alg] });
    }

    async function redeemAs(as: TestClient, scope = 'openid profile offline_access'): Promise<TokenResponseBody> {
      const { server } = suite;
      const pkce = pkcePair();
      return redeemCode(server, as, await issueCode(server, as.client, await createUser(server), pkce, { scope }), pkce);
    }

    it('signs ID tokens with RS256 for a client that registered nothing, and access tokens with ES256', async () => {
      const { server } = suite;
      const as = await createClient(server);
      assert.equal(as.client.idTokenSignedResponseAlg, 'RS256');
      const tokens = await redeemAs(as);
      const id = await verifyOverHttp(tokens.id_token!, 'RS256', 'JWT', as.client.clientId);
      assert.equal(id.protectedHeader.kid, server.keyRing.activeKey('RS256')?.kid);
      const digest = createHash('sha256').update(tokens.access_token, 'ascii').digest();
      assert.equal(id.payload.at_hash, digest.subarray(0, 16).toString('base64url'), 'OpenID Connect Core §3.1.3.6: SHA-256 for RS256');
      const access = await verifyOverHttp(tokens.access_token, 'ES256', 'at+jwt', server.config.issuer);
      assert.equal(access.protectedHeader.kid, server.keyRing.activeKey('ES256')?.kid);
    });

    it('signs ID tokens with ES256 for a client registered with it, on the code exchange and on every refresh', async () => {
      const { server } = suite;
      const as = await createClient(server, { idTokenSignedResponseAlg: 'ES256' });
      const tokens = await redeemAs(as);
      await verifyOverHttp(tokens.id_token!, 'ES256', 'JWT', as.client.clientId);
      await assert.rejects(verifyOverHttp(tokens.id_token!, 'RS256', 'JWT', as.client.clientId), { code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
      const response = await postToken(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, { as });
      assert.equal(response.status, 200, await response.clone().text());
      const refreshed = (await response.json()) as TokenResponseBody;
      await verifyOverHttp(refreshed.id_token!, 'ES256', 'JWT', as.client.clientId);
      await verifyOverHttp(refreshed.access_token, 'ES256', 'at+jwt', server.config.issuer);
    });

    it('answers server_error, never another algorithm, when the registered one has no key, and keeps the code unused', async () => {
      const { server, database } = suite;
      const as = await createClient(server, { idTokenSignedResponseAlg: 'EdDSA' });
      const pkce = pkcePair();
      const code = await issueCode(server, as.client, await createUser(server), pkce);
      const response = await postToken(server, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier }, { as });
      await assertTokenError(response, 'server_error', 500);
      assert.ok(
        server.logs().includes(`client ${as.client.clientId} registered id_token_signed_response_alg EdDSA, which has no active signing key`),
        'the logged cause names the client and the algorithm',
      );
      const [row] = await database.sql(`select consumed_at from authorization_codes where code_hash = '${hashOpaqueValue(code)}'`);
      assert.equal(row?.consumed_at, null, 'the redemption rolled back');
    });

    it('still issues an access token without openid to a client whose ID token algorithm has no key', async () => {
      const as = await createClient(suite.server, { idTokenSignedResponseAlg: 'EdDSA' });
      const tokens = await redeemAs(as, 'profile');
      assert.equal(tokens.id_token, undefined);
      await verifyOverHttp(tokens.access_token, 'ES256', 'at+jwt', suite.server.config.issuer);
    });

    it('advertises exactly the algorithms that have a key, RS256 first', async () => {
      const document = (await (await fetch(`${suite.server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.deepEqual(document.id_token_signing_alg_values_supported, ['RS256', 'ES256']);
    });
  });
});

describe('token signing algorithms, configured otherwise', () => {
  const suite = useTestServer({ name: 'sqlite' }, { GATEHOUSE_KEYS_ALGORITHMS: '["EdDSA","RS256"]', GATEHOUSE_KEYS_ACCESS_TOKEN_ALGORITHM: 'RS256' });

  it('signs access tokens with keys.accessTokenAlgorithm and EdDSA ID tokens with an SHA-512 at_hash, advertising what has keys', async () => {
    const { server } = suite;
    const as = await createClient(server, { idTokenSignedResponseAlg: 'EdDSA' });
    const pkce = pkcePair();
    const tokens = await redeemCode(server, as, await issueCode(server, as.client, await createUser(server), pkce), pkce);
    const jwks = createRemoteJWKSet(new URL(`${server.url}/jwks`));
    const verify = (token: string, alg: string, typ: string, audience: string) =>
      jwtVerify(token, jwks, { issuer: server.config.issuer, audience, typ, algorithms: [alg] });
    await verify(tokens.access_token, 'RS256', 'at+jwt', server.config.issuer);
    const id = await verify(tokens.id_token!, 'EdDSA', 'JWT', as.client.clientId);
    const digest = createHash('sha512').update(tokens.access_token, 'ascii').digest();
    assert.equal(id.payload.at_hash, digest.subarray(0, 32).toString('base64url'));
    const document = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.deepEqual(document.id_token_signing_alg_values_supported, ['RS256', 'EdDSA']);
    const es256 = await createClient(server, { idTokenSignedResponseAlg: 'ES256' });
    const code = await issueCode(server, es256.client, await createUser(server), pkce);
    const refused = await postToken(server, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier }, { as: es256 });
    await assertTokenError(refused, 'server_error', 500);
  });
});

describe('token signing algorithms, after another instance dropped the access token algorithm', () => {
  const suite = useTestServer({ name: 'sqlite' });

  it('answers server_error rather than sign access tokens with another algorithm', async () => {
    const { server } = suite;
    const as = await createClient(server);
    const pkce = pkcePair();
    const code = await issueCode(server, as.client, await createUser(server), pkce);
    // A rolling deploy: an instance configured for RS256 alone retires the ES256 keys this one signs access tokens with.
    const newer = new KeyRing({
      signingKeys: server.store.signingKeys,
      keys: { ...server.config.keys, algorithms: ['RS256'] },
      tokens: server.config.tokens,
      encryption: createKeyEncryption(TEST_ENCRYPTION_SECRET),
      events: new EventBus(() => undefined),
      clock: systemClock,
      onTimerError: () => undefined,
    });
    const now = Math.floor(Date.now() / 1000);
    await newer.ensureKeys(now);
    await server.keyRing.reload(now);
    const response = await postToken(server, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier }, { as });
    await assertTokenError(response, 'server_error', 500);
    assert.ok(server.logs().includes('keys.accessTokenAlgorithm ES256 has no active signing key'));
  });
});

describe('serve with a client registered for an algorithm without keys', () => {
  it('warns at start, naming the client, its algorithm and the fix', async () => {
    const database = await createTestStore({ name: 'sqlite' });
    try {
      const client = aClient({ clientName: 'Edwards', idTokenSignedResponseAlg: 'EdDSA' });
      await database.store.clients.create(client);
      await database.store.clients.create(aClient({ clientName: 'Default' }));
      const server = await startTestServer(database);
      await server.close();
      const warnings = server.logs().split('\n').filter((line) => line.includes('id_token_signed_response_alg'));
      assert.equal(warnings.length, 1, server.logs());
      assert.match(warnings[0]!, /"level":40/);
      assert.ok(warnings[0]!.includes(`client \\"Edwards\\" (${client.clientId}) registered id_token_signed_response_alg EdDSA, which keys.algorithms does not list`));
    } finally {
      await database.cleanup();
    }
  });
});
