// HMAC keys derived from the key-encryption secret for one purpose, so every instance signs alike and restarts keep them.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { KeyEncryptionSecrets } from './resolve.js';

/** Signs short messages and checks their signatures, under keys that never leave this object. */
export interface MessageAuthentication {
  /** HMAC-SHA256 of `message` under the current secret's key, as base64url (43 characters). */
  sign(message: string): string;
  /** Whether `signature` is the HMAC of `message` under the current or a previous secret's key; constant time per key. */
  verify(message: string, signature: string): boolean;
}

const SIGNATURE_BYTES = 32;

// HKDF (RFC 5869) with the purpose as info: a key for one purpose says nothing about the key of another, nor about
// the signing-key encryption key derived from the same secret.
function deriveKey(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `gatehouse ${purpose}`, SIGNATURE_BYTES));
}

/**
 * Message authentication for `purpose` (a fixed label such as `device cookie v1`), keyed by the key-encryption
 * secrets: signatures made before `keys.encryptionSecret` was rotated verify while the old secret is listed in
 * `keys.previousEncryptionSecrets`.
 * @example
 * const deviceCookies = createMessageAuthentication(secrets, 'device cookie v1');
 */
export function createMessageAuthentication(secrets: KeyEncryptionSecrets, purpose: string): MessageAuthentication {
  const [current, ...previous] = [secrets.current, ...secrets.previous].map((secret) => deriveKey(secret, purpose));
  const keys = [current!, ...previous];
  const mac = (key: Buffer, message: string): Buffer => createHmac('sha256', key).update(message, 'utf8').digest();
  return {
    sign: (message) => mac(current!, message).toString('base64url'),
    verify(message, signature) {
      const presented = Buffer.from(signature, 'base64url');
      // The length of a signature is public; only equal lengths reach the constant-time comparison.
      if (presented.length !== SIGNATURE_BYTES || presented.toString('base64url') !== signature) return false;
      return keys.some((key) => timingSafeEqual(mac(key, message), presented));
    },
  };
}
