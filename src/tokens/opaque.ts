// Opaque one-time values (codes, refresh tokens, session ids): generation, storage hash and constant-time comparison.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Below 128 bits a value could be guessed (SECURITY.md: authorization codes). */
const MIN_BYTES = 16;

/**
 * Returns `bytes` random bytes from the CSPRNG as base64url (32 bytes gives 43 characters, 256 bits).
 * @throws RangeError when fewer than 16 bytes are asked for.
 */
export function generateOpaqueValue(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < MIN_BYTES) throw new RangeError(`an opaque value needs at least ${MIN_BYTES} random bytes`);
  return randomBytes(bytes).toString('base64url');
}

/**
 * SHA-256 of the value as base64url: the only form the store sees.
 * A plain fast hash suffices because the values carry at least 128 random bits; never use it for passwords.
 */
export function hashOpaqueValue(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/**
 * Compares two strings in time independent of where they differ and of their lengths:
 * both are hashed to 32-byte digests first, so `timingSafeEqual` always sees equal lengths.
 */
export function safeEqual(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a, 'utf8').digest();
  const digestB = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB);
}
