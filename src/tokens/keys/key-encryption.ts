// Envelope encryption of signing private keys at rest: AES-256-GCM under a key derived from the configured secret.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
// HKDF info: a fixed label so this secret's derived key can never collide with another use of the same secret.
const HKDF_INFO = 'gatehouse signing-key encryption v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A private key envelope that cannot be opened; the message names the key, never a secret or a stack. */
export class KeyDecryptionError extends Error {
  constructor(readonly kid: string, reason: string) {
    super(`signing key ${kid} cannot be decrypted: ${reason}`);
    this.name = 'KeyDecryptionError';
  }
}

/** Seals and opens private keys; an envelope names the secret that sealed it, so older secrets still open theirs. */
export interface KeyEncryption {
  /** Encrypts under the current secret. Text form: `v1.<kekId>.<iv>.<tag>.<ciphertext>`, base64url parts. */
  encrypt(kid: string, plaintext: Uint8Array): string;
  /** @throws KeyDecryptionError on a wrong or missing secret, a tampered envelope, or one sealed for another kid. */
  decrypt(kid: string, envelope: string): Buffer;
}

interface KeyEncryptionKey {
  readonly id: string;
  readonly key: Buffer;
}

function deriveKey(secret: string): KeyEncryptionKey {
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), HKDF_INFO, 32));
  // A 48-bit fingerprint picks the secret at decryption; it reveals nothing usable about a 256-bit key.
  const id = createHash('sha256').update(key).digest().subarray(0, 6).toString('base64url');
  return { id, key };
}

// Binds the ciphertext to its header and its row: an envelope copied onto another kid fails authentication.
function associatedData(kekId: string, kid: string): Buffer {
  return Buffer.from(`${VERSION}.${kekId}.${kid}`, 'utf8');
}

/**
 * Builds the envelope codec from the current secret and any previous ones still accepted for decryption.
 * @example
 * const encryption = createKeyEncryption(config.keys.encryptionSecret, config.keys.previousEncryptionSecrets);
 */
export function createKeyEncryption(currentSecret: string, previousSecrets: readonly string[] = []): KeyEncryption {
  const current = deriveKey(currentSecret);
  const byId = new Map<string, KeyEncryptionKey>();
  for (const kek of [current, ...previousSecrets.map(deriveKey)]) if (!byId.has(kek.id)) byId.set(kek.id, kek);

  return {
    encrypt(kid, plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(associatedData(current.id, kid));
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return [VERSION, current.id, iv, cipher.getAuthTag(), ciphertext]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },

    decrypt(kid, envelope) {
      const parts = envelope.split('.');
      const [version, kekId, iv, tag, ciphertext] = parts;
      if (parts.length !== 5 || version !== VERSION || kekId === undefined || iv === undefined || tag === undefined || ciphertext === undefined) {
        throw new KeyDecryptionError(kid, 'the stored envelope is not in a known format');
      }
      const kek = byId.get(kekId);
      if (kek === undefined) throw new KeyDecryptionError(kid, 'no configured key-encryption secret matches');
      try {
        const decipher = createDecipheriv('aes-256-gcm', kek.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
        decipher.setAAD(associatedData(kekId, kid));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
      } catch {
        throw new KeyDecryptionError(kid, 'the envelope failed authentication (tampered, or sealed for another key)');
      }
    },
  };
}
