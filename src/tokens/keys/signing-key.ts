// A signing key as held in memory: the decrypted private KeyObject and the public JWK it publishes.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { SigningAlgorithm, SigningKeyRecord } from '../../store/records.js';
import type { KeyEncryption } from './key-encryption.js';

/** Told how long each signature took, in seconds (the signing time metric listens; tokens/ knows nothing of metrics). */
export type SigningObserver = (alg: SigningAlgorithm, seconds: number) => void;

/** What `signJwt` needs: the header values and the private key, imported once, and who hears how long signing took. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateKey: KeyObject;
  readonly onSigned?: SigningObserver;
}

/** A public JWK as published in the JWKS. */
export type PublicJwk = Readonly<Record<string, string>>;

/** The node:crypto key type each JOSE algorithm must use. */
export const KEY_TYPES: Readonly<Record<SigningAlgorithm, string>> = { ES256: 'ec', RS256: 'rsa', EdDSA: 'ed25519' };

// Only these members may leave the process: even a corrupted row holding `d` or `p` never reaches the JWKS.
const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'y', 'n', 'e', 'kid', 'alg', 'use'] as const;

/** Parses a record's stored public JWK, keeping only public members. */
export function readPublicJwk(record: SigningKeyRecord): PublicJwk {
  const stored = JSON.parse(record.publicJwk) as Record<string, unknown>;
  const jwk: Record<string, string> = {};
  for (const member of PUBLIC_MEMBERS) {
    const value = stored[member];
    if (typeof value === 'string') jwk[member] = value;
  }
  return { ...jwk, kid: record.kid, alg: record.alg, use: 'sig' };
}

/**
 * Decrypts a record's private key and imports it.
 * @throws KeyDecryptionError when no configured secret opens it; Error when the key does not fit its `alg`.
 */
export function importSigningKey(record: SigningKeyRecord, encryption: KeyEncryption, onSigned?: SigningObserver): SigningKey {
  const der = encryption.decrypt(record.kid, record.privateKeyEncrypted);
  try {
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    // A header must never announce an algorithm its key cannot produce.
    if (privateKey.asymmetricKeyType !== KEY_TYPES[record.alg]) {
      throw new Error(`signing key ${record.kid} holds an ${String(privateKey.asymmetricKeyType)} key, which cannot sign ${record.alg}`);
    }
    return { kid: record.kid, alg: record.alg, privateKey, ...(onSigned && { onSigned }) };
  } finally {
    // Shortens the time plaintext key material lingers in the heap; the KeyObject keeps its own copy.
    der.fill(0);
  }
}
