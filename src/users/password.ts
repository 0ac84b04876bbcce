// Password hashing: argon2id with OWASP parameters, stored as a PHC string, verified off the event loop.
import { hash, parseOptions, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

/** Longer input is refused: it adds no strength and lets a caller make every hash arbitrarily expensive. */
export const MAX_PASSWORD_BYTES = 1024;

// The package's `Algorithm` is an ambient const enum, which isolated modules cannot read; 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

/** OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1. */
const PARAMETERS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const satisfies Options;

/** A password longer than MAX_PASSWORD_BYTES: a validation error for the caller to show, never a server error. */
export class PasswordTooLongError extends Error {
  constructor() {
    super(`password is longer than ${MAX_PASSWORD_BYTES} bytes`);
    this.name = 'PasswordTooLongError';
  }
}

let dummyHash: Promise<string> | undefined;

// RFC 8265 §4.2 (OpaqueString): NFC, so the same password typed on different systems gives the same bytes.
function preparePassword(password: string): string {
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) throw new PasswordTooLongError();
  return password.normalize('NFC');
}

/**
 * Hashes a password with argon2id; the PHC string carries algorithm, parameters and salt.
 * @throws PasswordTooLongError
 */
export async function hashPassword(password: string): Promise<string> {
  return hash(preparePassword(password), PARAMETERS);
}

/**
 * Checks a password against a stored PHC string. A malformed or unsupported stored hash gives false, never a throw.
 * @throws PasswordTooLongError
 */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  const prepared = preparePassword(password);
  try {
    return await verify(phc, prepared);
  } catch {
    return false;
  }
}

/** True when the stored hash is not argon2id or any of its parameters is below the current ones: rehash at next login. */
export function needsRehash(phc: string): boolean {
  try {
    const stored = parseOptions(phc);
    return (
      stored.algorithm !== PARAMETERS.algorithm ||
      stored.memoryCost < PARAMETERS.memoryCost ||
      stored.timeCost < PARAMETERS.timeCost ||
      stored.parallelism < PARAMETERS.parallelism
    );
  } catch {
    return true;
  }
}

/**
 * Spends about as long as a real verification and returns false: used for an unknown username, so the
 * response time does not tell which usernames exist (SECURITY.md: login). The dummy hash is made once, lazily.
 * @throws PasswordTooLongError
 */
export async function verifyDummyPassword(password: string): Promise<false> {
  dummyHash ??= hash(randomBytes(32), PARAMETERS);
  await verifyPassword(await dummyHash, password);
  return false;
}
