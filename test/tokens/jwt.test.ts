// Tests for key generation and node:crypto JWS signing, verified by jose over the published JWKS for every algorithm.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import type { SigningAlgorithm, SigningKeyRecord } from '../../src/store/records.js';
import { signJwt, type JwsHeaderExtras } from '../../src/tokens/jwt.js';
import { RSA_MODULUS_BITS, generateSigningKey } from '../../src/tokens/keys/generate.js';
import { serialiseJwks } from '../../src/tokens/keys/jwks.js';
import { createKeyEncryption } from '../../src/tokens/keys/key-encryption.js';
import { importSigningKey, readPublicJwk, type SigningKey } from '../../src/tokens/keys/signing-key.js';

const encryption = createKeyEncryption('jwt-test-secret-0123456789abcdef0123456789');
const ALGORITHMS: readonly SigningAlgorithm[] = ['ES256', 'RS256', 'EdDSA'];
const now = () => Math.floor(Date.now() / 1000);

for (const alg of ALGORITHMS) {
  describe(`${alg} keys and tokens`, () => {
    let record: SigningKeyRecord;
    let key: SigningKey;
    let jwks: JSONWebKeySet;

    before(async () => {
      record = await generateSigningKey(alg, encryption, 1_700_000_000);
      key = importSigningKey(record, encryption);
      jwks = JSON.parse(serialiseJwks([readPublicJwk(record)]).body) as JSONWebKeySet;
    });

    it('makes a next record whose kid is the RFC 7638 thumbprint of its public JWK', async () => {
      assert.equal(record.status, 'next');
      assert.equal(record.alg, alg);
      assert.equal(record.createdAt, 1_700_000_000);
      const jwk = JSON.parse(record.publicJwk) as Record<string, string>;
      assert.equal(jwk.kid, record.kid);
      assert.equal(jwk.alg, alg);
      assert.equal(jwk.use, 'sig');
      assert.equal(jwk.d, undefined);
      assert.equal(await calculateJwkThumbprint(jwk, 'sha256'), record.kid);
    });

    it('stores the private key only encrypted', () => {
      assert.match(record.privateKeyEncrypted, /^v1\./);
      assert.ok(!record.privateKeyEncrypted.includes('BEGIN'));
      const der = key.privateKey.export({ format: 'der', type: 'pkcs8' });
      assert.ok(!record.privateKeyEncrypted.includes(der.toString('base64url').slice(0, 40)));
      assert.ok(!record.privateKeyEncrypted.includes(der.toString('base64').slice(0, 40)));
    });

    it('signs a JWT that jose verifies against the JWKS', async () => {
      const iat = now();
      const token = signJwt({ typ: 'at+jwt' }, { iss: 'https://issuer.example', sub: 'user-1', aud: 'api', iat, exp: iat + 60 }, key);
      const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
        issuer: 'https://issuer.example',
        audience: 'api',
        typ: 'at+jwt',
        algorithms: [alg],
      });
      assert.deepEqual(protectedHeader, { alg, kid: record.kid, typ: 'at+jwt' });
      assert.equal(payload.sub, 'user-1');
    });

    it('produces a signature jose rejects once the payload is altered', async () => {
      const token = signJwt({ typ: 'JWT' }, { sub: 'user-1' }, key);
      const [header, , signature] = token.split('.');
      const forged = `${header}.${Buffer.from('{"sub":"admin"}').toString('base64url')}.${signature}`;
      await assert.rejects(jwtVerify(forged, createLocalJWKSet(jwks)), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    });
  });
}

describe('signJwt header', () => {
  it('takes alg and kid from the key even when a caller casts around the type', async () => {
    const record = await generateSigningKey('ES256', encryption, now());
    const key = importSigningKey(record, encryption);
    const extras = { typ: 'JWT', alg: 'none', kid: 'attacker' } as unknown as JwsHeaderExtras;
    assert.deepEqual(decodeProtectedHeader(signJwt(extras, {}, key)), { alg: 'ES256', kid: record.kid, typ: 'JWT' });
  });

  it('produces 64-byte raw ES256 signatures (IEEE P1363, not DER)', async () => {
    const key = importSigningKey(await generateSigningKey('ES256', encryption, now()), encryption);
    const signature = signJwt({ typ: 'JWT' }, { n: 1 }, key).split('.')[2]!;
    assert.equal(Buffer.from(signature, 'base64url').length, 64);
  });
});

describe('key generation choices', () => {
  it(`generates RSA keys of ${RSA_MODULUS_BITS} bits`, async () => {
    const key = importSigningKey(await generateSigningKey('RS256', encryption, now()), encryption);
    assert.equal(key.privateKey.asymmetricKeyDetails?.modulusLength, 2048);
  });

  it('refuses a record whose key does not fit its alg', async () => {
    const record = await generateSigningKey('EdDSA', encryption, now());
    assert.throws(() => importSigningKey({ ...record, alg: 'ES256' }, encryption), /holds an ed25519 key, which cannot sign ES256/);
  });

  it('publishes only public members even from a corrupted row', async () => {
    const record = await generateSigningKey('ES256', encryption, now());
    const withPrivate = { ...(JSON.parse(record.publicJwk) as object), d: 'secret-scalar', key_ops: ['sign'] };
    const jwk = readPublicJwk({ ...record, publicJwk: JSON.stringify(withPrivate) });
    assert.deepEqual(Object.keys(jwk).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  });
});
