// Tests for verifyJwt over the published keys: every reason a token is refused, and the tokens it accepts.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { SigningAlgorithm } from '../../src/store/records.js';
import { signJwt } from '../../src/tokens/jwt.js';
import { MAX_JWT_LENGTH, JwtRejected, verifyJwt, type JwtRejection, type JwtVerificationOptions } from '../../src/tokens/jwt-verification.js';
import { PublishedVerificationKeys, type PublishedKeyVersion } from '../../src/tokens/verification-keys.js';
import { ISSUER, NOW, TOLERANCE, claims, craftJwt, makeKey, options, publishedKeys, signBytes, type TestKey } from './jwt-verification-fixtures.js';

let keys: Record<'es256' | 'es256Next' | 'rs256' | 'eddsa' | 'foreign', TestKey>;
let source: PublishedKeyVersion;

before(async () => {
  const [es256, es256Next, rs256, eddsa, foreign] = await Promise.all([makeKey('ES256'), makeKey('ES256'), makeKey('RS256'), makeKey('EdDSA'), makeKey('ES256')]);
  keys = { es256, es256Next, rs256, eddsa, foreign };
  source = new PublishedVerificationKeys(publishedKeys([es256.jwk, es256Next.jwk, rs256.jwk, eddsa.jwk])).keys();
});

/** The header signJwt writes for `key`, with `changes` (undefined removes a member). */
function header(key: TestKey, changes: Record<string, unknown> = {}): Record<string, unknown> {
  return JSON.parse(JSON.stringify({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...changes })) as Record<string, unknown>;
}

function verify(token: string, overrides: Partial<JwtVerificationOptions> = {}, keySource = source) {
  return verifyJwt(token, keySource, options(overrides));
}

function assertRefused(token: string, reason: JwtRejection, overrides: Partial<JwtVerificationOptions> = {}, keySource = source): void {
  assert.throws(() => verify(token, overrides, keySource), (error: unknown) => error instanceof JwtRejected && error.reason === reason);
}

/** A token whose one segment is replaced by `replacement`. */
function withSegment(token: string, index: number, replacement: string): string {
  const segments = token.split('.');
  segments[index] = replacement;
  return segments.join('.');
}

describe('verifyJwt accepts', () => {
  for (const name of ['es256', 'rs256', 'eddsa'] as const) {
    it(`a ${name} token signed by signJwt, returning its claims`, () => {
      const payload = claims();
      assert.deepEqual(verify(signJwt({ typ: 'at+jwt' }, payload, keys[name])), payload);
    });
  }

  it('a token without kid when only one published key has its alg (as jose local key sets do)', () => {
    assert.deepEqual(verify(craftJwt(header(keys.eddsa, { kid: undefined }), claims(), keys.eddsa)), claims());
  });

  it('typ in any case and with the application/ prefix (RFC 8725 §3.11)', () => {
    for (const typ of ['AT+JWT', 'application/at+jwt', 'Application/At+Jwt']) verify(craftJwt(header(keys.es256, { typ }), claims(), keys.es256));
  });

  it('an aud array containing the audience, and any aud when no audience is expected', () => {
    verify(craftJwt(header(keys.es256), claims({ aud: ['https://api.example', ISSUER] }), keys.es256));
    verify(craftJwt(header(keys.es256), claims({ aud: 'https://api.example' }), keys.es256), { audience: undefined });
  });

  it('exp one second inside the tolerance and nbf exactly at its edge', () => {
    verify(craftJwt(header(keys.es256), claims({ exp: NOW - TOLERANCE + 1, nbf: NOW + TOLERANCE }), keys.es256));
  });
});

describe('verifyJwt refuses a malformed token', () => {
  it('of two or four segments', () => {
    const token = signJwt({ typ: 'at+jwt' }, claims(), keys.es256);
    assertRefused(token.split('.').slice(0, 2).join('.'), 'malformed');
    assertRefused(`${token}.`, 'malformed');
  });

  it(`longer than ${MAX_JWT_LENGTH} characters, even when well signed`, () => {
    assertRefused(signJwt({ typ: 'at+jwt' }, claims({ filler: 'x'.repeat(MAX_JWT_LENGTH) }), keys.es256), 'malformed');
  });

  it('with padding, other characters or non-canonical trailing bits in the payload or signature', () => {
    const token = signJwt({ typ: 'at+jwt' }, claims(), keys.es256);
    const [, payload = '', signature = ''] = token.split('.');
    const lastBits = signature.slice(0, -1) + String.fromCharCode(signature.charCodeAt(signature.length - 1) + 1);
    for (const [index, bad] of [[1, `${payload}=`], [1, `${payload.slice(0, 10)}+${payload.slice(11)}`], [2, `${signature}==`], [2, lastBits], [2, ` ${signature}`]] as const) {
      assertRefused(withSegment(token, index, bad), 'malformed');
    }
  });

  it('whose header is not canonical base64url, not UTF-8, not JSON or not an object', () => {
    const token = signJwt({ typ: 'at+jwt' }, claims(), keys.es256);
    assertRefused(withSegment(token, 0, `${token.split('.')[0]}=`), 'header');
    const invalidUtf8 = Buffer.concat([Buffer.from(JSON.stringify(header(keys.es256, { x: '' })).slice(0, -2)), Buffer.from([0xff]), Buffer.from('"}')]);
    for (const bytes of [invalidUtf8, Buffer.from('{"alg":'), Buffer.from('["ES256"]'), Buffer.from('null')]) {
      assertRefused(craftJwt(bytes, claims(), keys.es256), 'header');
    }
  });

  it('whose well-signed payload is not UTF-8, not JSON or not an object', () => {
    const invalidUtf8 = Buffer.concat([Buffer.from(JSON.stringify(claims({ note: '' })).slice(0, -2)), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    for (const bytes of [invalidUtf8, Buffer.from('{"sub":'), Buffer.from('[1]'), Buffer.from('"claims"')]) {
      assertRefused(craftJwt(header(keys.es256), bytes, keys.es256), 'payload');
    }
  });
});

describe('verifyJwt refuses by header', () => {
  it('alg none, even when the caller lists it, and a missing alg', () => {
    const unsigned = `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`;
    assertRefused(unsigned, 'algorithm', { algorithms: ['none', 'ES256'] });
    assertRefused(craftJwt(header(keys.es256, { alg: undefined }), claims(), keys.es256), 'algorithm');
  });

  it('an alg the caller does not allow, and one Gatehouse never signs with', () => {
    assertRefused(signJwt({ typ: 'at+jwt' }, claims(), keys.rs256), 'algorithm', { algorithms: ['ES256'] });
    assertRefused(craftJwt(header(keys.es256, { alg: 'HS256' }), claims(), keys.es256), 'algorithm', { algorithms: ['HS256', 'ES256'] });
  });

  it('any crit header, even one naming b64 (RFC 7515 §4.1.11)', () => {
    assertRefused(craftJwt(header(keys.es256, { crit: ['exp'], exp: 1 }), claims(), keys.es256), 'critical');
    assertRefused(craftJwt(header(keys.es256, { crit: ['b64'], b64: true }), claims(), keys.es256), 'critical');
  });

  it('a typ that is not at+jwt, missing, or not a string (RFC 9068 §4)', () => {
    for (const typ of ['JWT', 'application/jwt', 'at+jwt ', undefined, 7]) assertRefused(craftJwt(header(keys.es256, { typ }), claims(), keys.es256), 'type');
  });
});

describe('verifyJwt refuses by key', () => {
  it('an unknown kid, a kid that is not a string, and a token signed by a key not published', () => {
    assertRefused(craftJwt(header(keys.es256, { kid: 'unknown' }), claims(), keys.es256), 'key');
    // EdDSA has one published key, which a header without kid would select.
    for (const kid of [[keys.eddsa.kid], 42]) assertRefused(craftJwt(header(keys.eddsa, { kid }), claims(), keys.eddsa), 'key');
    assertRefused(signJwt({ typ: 'at+jwt' }, claims(), keys.foreign), 'key');
  });

  it('no kid when two published keys have the alg, though the first would verify it', () => {
    assertRefused(craftJwt(header(keys.es256, { kid: undefined }), claims(), keys.es256), 'key');
  });

  it("an alg that does not fit the named key's type (alg confusion)", () => {
    const rsaHeaderEcKey = header(keys.es256, { alg: 'RS256' });
    assertRefused(craftJwt(rsaHeaderEcKey, claims(), keys.es256), 'key');
    assertRefused(craftJwt(header(keys.eddsa, { alg: 'ES256' }), claims(), keys.es256), 'key');
  });
});

describe('verifyJwt refuses a bad signature', () => {
  it('over a tampered payload', () => {
    const token = signJwt({ typ: 'at+jwt' }, claims(), keys.es256);
    assertRefused(withSegment(token, 1, Buffer.from(JSON.stringify(claims({ sub: 'admin' }))).toString('base64url')), 'signature');
  });

  for (const name of ['es256', 'rs256', 'eddsa'] as const) {
    it(`of ${name} when tampered, truncated or made by another key under the right kid`, () => {
      const token = signJwt({ typ: 'at+jwt' }, claims(), keys[name]);
      const signature = Buffer.from(token.split('.')[2]!, 'base64url');
      signature[5]! ^= 0x01;
      assertRefused(withSegment(token, 2, signature.toString('base64url')), 'signature');
      assertRefused(withSegment(token, 2, signature.subarray(1).toString('base64url')), 'signature');
      assertRefused(withSegment(token, 2, ''), 'signature');
      const [encodedHeader, encodedPayload] = token.split('.');
      const impostor = name === 'rs256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey : name === 'eddsa' ? keys.foreign.privateKey : keys.es256Next.privateKey;
      const impostorAlg: SigningAlgorithm = name === 'eddsa' ? 'ES256' : keys[name].alg;
      assertRefused(`${encodedHeader}.${encodedPayload}.${signBytes(`${encodedHeader}.${encodedPayload}`, impostor, impostorAlg)}`, 'signature');
    });
  }
});

describe('verifyJwt refuses by claims', () => {
  const refuse = (payload: Record<string, unknown>, reason: JwtRejection, overrides: Partial<JwtVerificationOptions> = {}) =>
    assertRefused(craftJwt(header(keys.es256), payload, keys.es256), reason, overrides);

  it('a wrong or missing iss', () => {
    refuse(claims({ iss: 'https://other.example' }), 'issuer');
    refuse(claims({ iss: [ISSUER] }), 'issuer');
    refuse(claims({ iss: undefined }), 'missing_claim');
  });

  it('a wrong or missing aud when an audience is expected', () => {
    refuse(claims({ aud: 'https://api.example' }), 'audience');
    refuse(claims({ aud: ['https://api.example'] }), 'audience');
    refuse(claims({ aud: { [ISSUER]: true } }), 'audience');
    refuse(claims({ aud: undefined }), 'missing_claim');
  });

  it('a missing required claim, and a missing exp even when the caller does not list it', () => {
    refuse(claims({ jti: undefined }), 'missing_claim');
    refuse(claims({ exp: undefined }), 'missing_claim', { requiredClaims: [] });
  });

  it('iat, nbf or exp that is not a number', () => {
    refuse(claims({ iat: String(NOW) }), 'time_claim');
    refuse(claims({ nbf: null }), 'time_claim');
    refuse(claims({ exp: String(NOW + 600) }), 'time_claim');
  });

  it('exp at the edge of the tolerance, and earlier', () => {
    refuse(claims({ exp: NOW - TOLERANCE }), 'expired');
    refuse(claims({ exp: NOW }), 'expired', { clockTolerance: 0 });
  });

  it('nbf one second beyond the tolerance', () => {
    refuse(claims({ nbf: NOW + TOLERANCE + 1 }), 'not_yet_valid');
    refuse(claims({ nbf: NOW + 1 }), 'not_yet_valid', { clockTolerance: 0 });
  });

  it('judges time by the wall clock when no now is given', () => {
    const wallClock = Math.floor(Date.now() / 1000);
    const token = craftJwt(header(keys.es256), claims({ iat: wallClock, exp: wallClock - TOLERANCE - 60 }), keys.es256);
    assert.doesNotThrow(() => verify(token, { now: wallClock - 3600 }));
    assertRefused(token, 'expired', { now: undefined });
  });
});
