// The keys of a private_key_jwt client (RFC 7591 §2, RFC 7523): jwks or jwks_uri, required for that method and
// refused for the others; public signing keys only; and the registration service keeping the two consistent.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { InvalidClientMetadata } from '../../src/clients/errors.js';
import { fetchJwkSet, JwksFetchFailed } from '../../src/clients/jwks-fetch.js';
import { validateClientMetadata, type ClientMetadataInput } from '../../src/clients/metadata.js';

const base = { clientName: 'Ledger', redirectUris: ['https://ledger.example/cb'], tokenEndpointAuthMethod: 'private_key_jwt' } as const;
const publicJwk = (type: 'ec' | 'rsa' | 'ed25519') => {
  const { publicKey, privateKey } =
    type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  return { publicJwk: publicKey.export({ format: 'jwk' }) as Record<string, unknown>, privateJwk: privateKey.export({ format: 'jwk' }) as Record<string, unknown> };
};

function refusal(input: ClientMetadataInput): InvalidClientMetadata {
  try {
    validateClientMetadata(input);
  } catch (error) {
    assert.ok(error instanceof InvalidClientMetadata, String(error));
    return error;
  }
  assert.fail(`expected ${JSON.stringify(input)} to be refused`);
}

describe('private_key_jwt client keys', () => {
  it('takes a JWK Set of EC, RSA and OKP public keys, or an https jwks_uri', () => {
    const jwks = { keys: [{ ...publicJwk('ec').publicJwk, kid: 'a', alg: 'ES256', use: 'sig' }, publicJwk('rsa').publicJwk, publicJwk('ed25519').publicJwk] };
    const inline = validateClientMetadata({ ...base, jwks });
    assert.deepEqual([inline.tokenEndpointAuthMethod, inline.clientType, inline.jwks, inline.jwksUri], ['private_key_jwt', 'confidential', jwks, null]);
    const byUri = validateClientMetadata({ ...base, jwksUri: 'https://ledger.example/jwks.json' });
    assert.deepEqual([byUri.jwks, byUri.jwksUri], [null, 'https://ledger.example/jwks.json']);
    assert.equal(validateClientMetadata({ ...base, jwksUri: 'http://127.0.0.1:8080/jwks' }).jwksUri, 'http://127.0.0.1:8080/jwks', 'loopback http, for local development');
  });

  it('requires exactly one of jwks and jwks_uri for private_key_jwt, and neither for other methods', () => {
    assert.match(refusal(base).message, /^jwks: private_key_jwt needs the client public keys/);
    const both = refusal({ ...base, jwks: { keys: [publicJwk('ec').publicJwk] }, jwksUri: 'https://ledger.example/jwks' });
    assert.match(both.message, /not both/);
    const secretClient = refusal({ ...base, tokenEndpointAuthMethod: 'client_secret_basic', jwksUri: 'https://ledger.example/jwks' });
    assert.equal(secretClient.field, 'jwks_uri');
    assert.match(secretClient.message, /only a private_key_jwt client has keys/);
    assert.equal(refusal({ ...base, clientType: 'public' }).field, 'token_endpoint_auth_method');
  });

  it('refuses private, symmetric, unusable and too many keys, naming the key but never its material', () => {
    const { privateJwk } = publicJwk('ec');
    const cases: [unknown, RegExp][] = [
      [{ keys: [privateJwk] }, /key 1 holds the private member "d"/],
      [{ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }, /key 1 is a symmetric key/],
      [{ keys: [{ kty: 'EC', crv: 'P-256', x: 'AA' }] }, /key 1 lacks the "y" member/],
      [{ keys: [{ ...publicJwk('ec').publicJwk, alg: 'HS256' }] }, /"alg" not accepted/],
      [{ keys: [{ ...publicJwk('ec').publicJwk, use: 'enc' }] }, /not a signing key/],
      [{ keys: [{ kty: 'OKP', crv: 'X25519', x: 'AA' }] }, /curve not usable for signatures/],
      [{ keys: [{ kty: 'AKP' }] }, /no usable "kty"/],
      [{ keys: [] }, /holds no key/],
      [{ keys: Array.from({ length: 33 }, () => publicJwk('ec').publicJwk) }, /33 keys, at most 32/],
      [{ keys: [publicJwk('ec').publicJwk, 'text'] }, /key 2 is not a JSON object/],
      [[publicJwk('ec').publicJwk], /expected a JWK Set/],
      [{ keys: [{ ...publicJwk('rsa').publicJwk, padding: 'x'.repeat(70_000) }] }, /at most 65536 bytes/],
    ];
    for (const [jwks, expected] of cases) {
      const error = refusal({ ...base, jwks });
      assert.equal(error.field, 'jwks');
      assert.match(error.message, expected);
      assert.ok(!error.message.includes(String(privateJwk.d)));
    }
  });

  it('refuses a jwks_uri that is not https (http only to loopback), or carries a fragment or credentials', () => {
    for (const [uri, expected] of [
      ['http://keys.example/jwks', /must be https/],
      ['ftp://keys.example/jwks', /must be https/],
      ['/jwks.json', /expected an absolute URL/],
      ['https://keys.example/jwks#k1', /fragment/],
      ['https://user:pw@keys.example/jwks', /credentials/],
      [`https://keys.example/${'a'.repeat(2048)}`, /at most 2048/],
    ] as const) {
      const error = refusal({ ...base, jwksUri: uri });
      assert.equal(error.field, 'jwks_uri');
      assert.match(error.message, expected);
    }
  });

  it('fetches http only while the issuer is http, and never a non-loopback http URL', async () => {
    const limits = { timeoutMs: 500, maxBytes: 65_536 };
    await assert.rejects(fetchJwkSet('http://127.0.0.1:9/jwks', { ...limits, allowLoopbackHttp: false }), (error) => error instanceof JwksFetchFailed && /not https/.test(error.message));
    await assert.rejects(fetchJwkSet('http://keys.example/jwks', { ...limits, allowLoopbackHttp: true }), (error) => error instanceof JwksFetchFailed && /not https/.test(error.message));
  });
});
