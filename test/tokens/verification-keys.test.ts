// Tests for the published keys as verifyJwt selects them: imported once, renewed on rotation, and a JWK that
// jose's local key set would not use is not used either.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { signJwt } from '../../src/tokens/jwt.js';
import { JwtRejected, verifyJwt } from '../../src/tokens/jwt-verification.js';
import { PublishedVerificationKeys } from '../../src/tokens/verification-keys.js';
import { claims, craftJwt, makeKey, options, publishedKeys, type TestKey } from './jwt-verification-fixtures.js';

let es256: TestKey;
let next: TestKey;
let rs256: TestKey;

before(async () => {
  [es256, next, rs256] = await Promise.all([makeKey('ES256'), makeKey('ES256'), makeKey('RS256')]);
});

const refusedForKey = (error: unknown) => error instanceof JwtRejected && error.reason === 'key';

describe('published verification keys', () => {
  it('imports each key once and keeps it across a rotation, then drops a key no longer published', () => {
    const document = publishedKeys([es256.jwk]);
    const keys = new PublishedVerificationKeys(document);
    const before = keys.keys().select('ES256', es256.kid);
    assert.ok(before !== undefined);
    assert.equal(keys.keys().select('ES256', next.kid), undefined);

    document.publish([es256.jwk, next.jwk]);
    assert.equal(keys.keys().select('ES256', es256.kid), before, 'the same KeyObject, not a re-import');
    verifyJwt(signJwt({ typ: 'at+jwt' }, claims(), next), keys.keys(), options());

    document.publish([next.jwk]);
    assert.throws(() => verifyJwt(signJwt({ typ: 'at+jwt' }, claims(), es256), keys.keys(), options()), refusedForKey);
  });

  it('offers only the algorithms the document publishes', () => {
    const keys = new PublishedVerificationKeys(publishedKeys([es256.jwk, next.jwk, rs256.jwk]));
    assert.deepEqual(keys.keys().algorithms, ['ES256', 'RS256']);
  });

  it('uses a key published without alg for the algorithms of its type only', () => {
    const withoutAlg = Object.fromEntries(Object.entries(es256.jwk).filter(([member]) => member !== 'alg'));
    const keys = new PublishedVerificationKeys(publishedKeys([withoutAlg]));
    verifyJwt(signJwt({ typ: 'at+jwt' }, claims(), es256), keys.keys(), options());
    const rsaHeader = craftJwt({ alg: 'RS256', kid: es256.kid, typ: 'at+jwt' }, claims(), es256);
    assert.throws(() => verifyJwt(rsaHeader, keys.keys(), options()), refusedForKey);
  });

  it('treats the same key listed twice as two matches', () => {
    const keys = new PublishedVerificationKeys(publishedKeys([es256.jwk, es256.jwk]));
    assert.throws(() => verifyJwt(signJwt({ typ: 'at+jwt' }, claims(), es256), keys.keys(), options()), refusedForKey);
  });

  it('uses a key whose key_ops allow verify, and one with a boolean ext', () => {
    const keys = new PublishedVerificationKeys(publishedKeys([{ ...es256.jwk, key_ops: ['verify'], ext: true }]));
    verifyJwt(signJwt({ typ: 'at+jwt' }, claims(), es256), keys.keys(), options());
  });

  const unusable: ReadonlyArray<readonly [string, (jwk: Record<string, unknown>) => object]> = [
    ['key_ops without verify', (jwk) => ({ ...jwk, key_ops: ['sign'] })],
    ['key_ops with a duplicate', (jwk) => ({ ...jwk, key_ops: ['verify', 'verify'] })],
    ['key_ops that is not a list', (jwk) => ({ ...jwk, key_ops: 'verify' })],
    ['ext that is not a boolean', (jwk) => ({ ...jwk, ext: 'true' })],
    ['use enc', (jwk) => ({ ...jwk, use: 'enc' })],
    ['another alg', (jwk) => ({ ...jwk, alg: 'ES384' })],
    ['coordinates that are no point', (jwk) => ({ ...jwk, x: 'AA' })],
    ['a private member', (jwk) => ({ ...jwk, d: 'AA' })],
  ];
  for (const [what, change] of unusable) {
    it(`does not use a published key with ${what}`, () => {
      const keys = new PublishedVerificationKeys(publishedKeys([change(es256.jwk)]));
      assert.throws(() => verifyJwt(signJwt({ typ: 'at+jwt' }, claims(), es256), keys.keys(), options()), refusedForKey);
    });
  }

  it('does not use an EC key on another curve than ES256 names (RFC 7518 §3.4), though it would verify', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'p384', alg: 'ES256', use: 'sig' };
    const keys = new PublishedVerificationKeys(publishedKeys([jwk]));
    const token = craftJwt({ alg: 'ES256', kid: 'p384', typ: 'at+jwt' }, claims(), { privateKey, alg: 'ES256' });
    assert.throws(() => verifyJwt(token, keys.keys(), options()), refusedForKey);
  });

  it('does not use an RSA key shorter than 2048 bits (RFC 7518 §3.3)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'short', alg: 'RS256', use: 'sig' };
    const keys = new PublishedVerificationKeys(publishedKeys([jwk]));
    const token = signJwt({ typ: 'at+jwt' }, claims(), { kid: 'short', alg: 'RS256', privateKey });
    assert.throws(() => verifyJwt(token, keys.keys(), options()), refusedForKey);
  });
});
