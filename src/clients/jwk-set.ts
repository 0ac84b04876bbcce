// The keys of a private_key_jwt client (RFC 7523, RFC 7591 §2): a JWK Set of public signing keys, or the URL serving one.
import { isLoopbackHost } from '../config/rules.js';
import type { JsonWebKeySet } from '../store/records.js';

/**
 * The JWS algorithms a client assertion may use: asymmetric only (RFC 7518 §3.3-3.5, RFC 8037 §3.1). `none` and
 * the HMAC algorithms are refused: an HMAC key would be a shared secret, not a public key.
 */
export const CLIENT_ASSERTION_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

/** A registered JWK Set as JSON: room for a few rotations of RSA-4096 keys, far below a request's size. */
export const MAX_JWKS_BYTES = 65_536;
const MAX_KEYS = 32;
const MAX_JWKS_URI_LENGTH = 2048;

/** Members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4.1; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** The public members each key type needs (RFC 7518 §6.2.1, §6.3.1; RFC 8037 §2), and the curves usable for signing. */
const KEY_TYPES: Readonly<Record<string, { readonly members: readonly string[]; readonly curves?: readonly string[] }>> = {
  RSA: { members: ['n', 'e'] },
  EC: { members: ['crv', 'x', 'y'], curves: ['P-256', 'P-384', 'P-521'] },
  OKP: { members: ['crv', 'x'], curves: ['Ed25519', 'Ed448'] },
};

/** A JWK Set or jwks_uri that cannot serve private_key_jwt; the message names what is wrong, never key material. */
export class InvalidJwkSet extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidJwkSet';
  }
}

/** Why one key cannot verify client assertions, or undefined when it can. */
function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) return 'is not a JSON object';
  const jwk = key as Record<string, unknown>;
  if (jwk.kty === 'oct') return 'is a symmetric key (kty "oct"): register public keys only';
  const privateMember = PRIVATE_MEMBERS.find((member) => member in jwk);
  if (privateMember !== undefined) return `holds the private member "${privateMember}": register the public key only`;
  const type = typeof jwk.kty === 'string' ? KEY_TYPES[jwk.kty] : undefined;
  if (type === undefined) return 'has no usable "kty" (expected RSA, EC or OKP)';
  const missing = type.members.find((member) => typeof jwk[member] !== 'string');
  if (missing !== undefined) return `lacks the "${missing}" member`;
  if (type.curves !== undefined && !type.curves.includes(jwk.crv as string)) return `has a curve not usable for signatures (expected ${type.curves.join(', ')})`;
  if (jwk.alg !== undefined && !(CLIENT_ASSERTION_ALGORITHMS as readonly unknown[]).includes(jwk.alg)) {
    return `has an "alg" not accepted for client assertions (expected one of ${CLIENT_ASSERTION_ALGORITHMS.join(', ')})`;
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') return 'is not a signing key ("use" must be "sig" when present)';
  if (jwk.kid !== undefined && typeof jwk.kid !== 'string') return 'has a "kid" that is not a string';
  return undefined;
}

/**
 * Checks that `value` is a JWK Set (RFC 7517 §5) of public signing keys: at least one, at most 32, each RSA, EC or
 * OKP with its public members, no private or symmetric key, no algorithm outside CLIENT_ASSERTION_ALGORITHMS.
 * @throws InvalidJwkSet naming the first problem.
 */
export function checkJwkSet(value: unknown): JsonWebKeySet {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { keys?: unknown }).keys)) {
    throw new InvalidJwkSet('expected a JWK Set: a JSON object with a "keys" array');
  }
  const { keys } = value as { keys: unknown[] };
  if (keys.length === 0) throw new InvalidJwkSet('the JWK Set holds no key');
  if (keys.length > MAX_KEYS) throw new InvalidJwkSet(`the JWK Set holds ${keys.length} keys, at most ${MAX_KEYS} are accepted`);
  for (const [index, key] of keys.entries()) {
    const problem = keyProblem(key);
    if (problem !== undefined) throw new InvalidJwkSet(`key ${index + 1} ${problem}`);
  }
  return { keys: keys as JsonWebKeySet['keys'] };
}

/**
 * Registration policy for `jwks_uri`: an absolute https URL without fragment or credentials; for local development,
 * http to a loopback host (which the key fetcher uses only while the issuer itself is http, README "private_key_jwt").
 * @throws InvalidJwkSet
 */
export function checkJwksUri(uri: string): string {
  if (uri.length > MAX_JWKS_URI_LENGTH) throw new InvalidJwkSet(`must be at most ${MAX_JWKS_URI_LENGTH} characters`);
  if (!URL.canParse(uri)) throw new InvalidJwkSet(`expected an absolute URL, got ${JSON.stringify(uri)}`);
  const url = new URL(uri);
  if (url.hash !== '' || uri.includes('#')) throw new InvalidJwkSet('must not contain a fragment');
  if (url.username !== '' || url.password !== '') throw new InvalidJwkSet('must not contain credentials');
  const loopbackHttp = url.protocol === 'http:' && isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) throw new InvalidJwkSet(`must be https (http only to a loopback host), got ${JSON.stringify(uri)}`);
  return uri;
}
