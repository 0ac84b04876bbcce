// Generation of signing key pairs: ES256 (P-256), RS256 and EdDSA (Ed25519), stored encrypted as `next` keys.
import { generateKeyPair as generateKeyPairCallback, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import type { SigningAlgorithm, SigningKeyRecord } from '../../store/records.js';
import type { KeyEncryption } from './key-encryption.js';

/**
 * RFC 7518 §3.3 requires at least 2048 bits. Keys rotate every few months and their signatures only need to hold
 * until the tokens expire, so 2048 is enough; 3072 would roughly triple the cost of every RS256 signature.
 */
export const RSA_MODULUS_BITS = 2048;

interface KeyPair {
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
}

// The async form runs on libuv's thread pool: RSA generation takes tens of milliseconds and must not block requests.
function generateKeyPair(alg: SigningAlgorithm): Promise<KeyPair> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, publicKey: KeyObject, privateKey: KeyObject) =>
      error === null ? resolve({ publicKey, privateKey }) : reject(error);
    if (alg === 'ES256') generateKeyPairCallback('ec', { namedCurve: 'P-256' }, done);
    else if (alg === 'RS256') generateKeyPairCallback('rsa', { modulusLength: RSA_MODULUS_BITS, publicExponent: 0x10001 }, done);
    else generateKeyPairCallback('ed25519', {}, done);
  });
}

/**
 * Generates a key pair and returns it as a `next` record: `kid` is the RFC 7638 SHA-256 thumbprint of the public
 * JWK, the private key is PKCS#8 DER sealed by `encryption` and bound to that kid.
 */
export async function generateSigningKey(alg: SigningAlgorithm, encryption: KeyEncryption, now: number): Promise<SigningKeyRecord> {
  const { publicKey, privateKey } = await generateKeyPair(alg);
  const kid = await calculateJwkThumbprint(publicKey, 'sha256');
  const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  try {
    return {
      kid,
      alg,
      status: 'next',
      publicJwk: JSON.stringify(publicJwk),
      privateKeyEncrypted: encryption.encrypt(kid, der),
      createdAt: now,
      activatedAt: null,
      retiredAt: null,
      publishUntil: null,
    };
  } finally {
    der.fill(0);
  }
}
