// OpenID Connect ID tokens (Core §2, §3.1.3.6): who logged in, when, in which session, bound to its access token.
import { createHash } from 'node:crypto';
import type { SigningAlgorithm } from '../store/records.js';
import { signJwt } from './jwt.js';
import type { SigningKey } from './keys/signing-key.js';

export interface IdTokenInput {
  readonly issuer: string;
  readonly userId: string;
  readonly clientId: string;
  readonly authTime: number;
  /** The login session, published as `sid` (OpenID Connect Front-/Back-Channel Logout). */
  readonly sessionId: string;
  /** The authorization request's nonce; null when it had none, and on refresh (Core §12.2). */
  readonly nonce: string | null;
  /** The access token issued alongside, hashed into `at_hash`. */
  readonly accessToken: string;
  readonly now: number;
  readonly ttl: number;
}

// Core §3.1.3.6: the hash of the JWS algorithm; for EdDSA over Ed25519 that is SHA-512 (as the OpenID errata and
// common providers agree), SHA-256 for ES256 and RS256.
const HASH_OF: Readonly<Record<SigningAlgorithm, string>> = { ES256: 'sha256', RS256: 'sha256', EdDSA: 'sha512' };

/** `at_hash`: base64url of the left-most half of the hash of the access token's ASCII octets. */
export function accessTokenHash(accessToken: string, alg: SigningAlgorithm): string {
  const digest = createHash(HASH_OF[alg]).update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** Signs an ID token with `key`, of the client's registered algorithm; the header `typ` is `JWT` so it cannot pass for an access token. */
export function createIdToken(input: IdTokenInput, key: SigningKey): string {
  const claims = {
    iss: input.issuer,
    sub: input.userId,
    aud: input.clientId,
    exp: input.now + input.ttl,
    iat: input.now,
    auth_time: input.authTime,
    ...(input.nonce === null ? {} : { nonce: input.nonce }),
    at_hash: accessTokenHash(input.accessToken, key.alg),
    sid: input.sessionId,
  };
  return signJwt({ typ: 'JWT' }, claims, key);
}
