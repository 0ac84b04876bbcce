// The published JWKS as node:crypto public keys, each imported once, and the key a JWS header selects among them by
// the rules of jose's createLocalJWKSet, so that verifying with either engine gives one verdict.
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from '../store/records.js';
import type { VerificationKeySource } from './jwt-verification.js';
import { publishedAlgorithms, type PublishedKeys } from './published-key-set.js';

/** RFC 7518 §3.1 and §6, RFC 8037 §3.1: the JWK type (and curve) each algorithm verifies with. */
const KEY_REQUIREMENTS: Readonly<Record<SigningAlgorithm, { readonly kty: string; readonly crv?: string }>> = {
  ES256: { kty: 'EC', crv: 'P-256' },
  RS256: { kty: 'RSA' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
};

/** RFC 7518 §3.3: an RSA key must have at least 2048 bits (jose refuses shorter ones too). */
const MIN_RSA_MODULUS_BITS = 2048;

type Jwk = Readonly<Record<string, unknown>>;

interface PublishedKey {
  /** The JWK as serialised, which identifies it across versions of the document. */
  readonly serialised: string;
  readonly jwk: Jwk;
  /** Undefined when the JWK cannot be used: it does not import, is private, or is an RSA key too short. */
  readonly key: KeyObject | undefined;
}

/** RFC 7517 §4.3: `key_ops`, when present, is a list of distinct strings that must allow verifying. */
function allowsVerify(keyOps: unknown): boolean {
  if (keyOps === undefined) return true;
  if (!Array.isArray(keyOps)) return false;
  return keyOps.every((operation, index) => typeof operation === 'string' && keyOps.indexOf(operation) === index) && keyOps.includes('verify');
}

/** Whether `jwk` may verify `alg` for a header naming `kid` (RFC 7517 §4, RFC 7515 §4.1.4). */
function isUsable(jwk: Jwk, alg: SigningAlgorithm, kid: unknown): boolean {
  const { kty, crv } = KEY_REQUIREMENTS[alg];
  return (
    (jwk.ext === undefined || typeof jwk.ext === 'boolean') &&
    allowsVerify(jwk.key_ops) &&
    jwk.kty === kty &&
    (kid === undefined || (typeof kid === 'string' && kid === jwk.kid)) &&
    (jwk.alg === undefined || jwk.alg === alg) &&
    (jwk.use === undefined || jwk.use === 'sig') &&
    (crv === undefined || jwk.crv === crv)
  );
}

function importPublicKey(jwk: Jwk): KeyObject | undefined {
  // A JWKS lists public keys only; a private member means the document is wrong, so the key is not trusted.
  if (jwk.d !== undefined) return undefined;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    return undefined;
  }
  const modulusLength = key.asymmetricKeyDetails?.modulusLength;
  return modulusLength !== undefined && modulusLength < MIN_RSA_MODULUS_BITS ? undefined : key;
}

/** One version of the published document: its keys, imported, and the algorithms they are for. */
export class PublishedKeyVersion implements VerificationKeySource {
  constructor(
    readonly algorithms: readonly string[],
    private readonly keys: readonly PublishedKey[],
  ) {}

  /** As jose's local JWKS: exactly one usable key must match, so a header without `kid` works only when one key has its `alg`. */
  select(alg: SigningAlgorithm, kid: unknown): KeyObject | undefined {
    const candidates = this.keys.filter((key) => isUsable(key.jwk, alg, kid));
    return candidates.length === 1 ? candidates[0]?.key : undefined;
  }
}

/** The published keys as verifiers need them, rebuilt only when the document changes; a key seen before is not re-imported. */
export class PublishedVerificationKeys {
  private body: string | undefined;
  private current = new PublishedKeyVersion([], []);
  private imported = new Map<string, PublishedKey>();

  constructor(private readonly published: PublishedKeys) {}

  keys(): PublishedKeyVersion {
    const body = this.published.jwksJson();
    if (this.body !== body) {
      const jwks = JSON.parse(body) as { readonly keys: readonly Jwk[] };
      const keys = jwks.keys.map((jwk) => {
        const serialised = JSON.stringify(jwk);
        return this.imported.get(serialised) ?? { serialised, jwk, key: importPublicKey(jwk) };
      });
      this.imported = new Map(keys.map((key) => [key.serialised, key]));
      this.current = new PublishedKeyVersion(publishedAlgorithms(jwks), keys);
      this.body = body;
    }
    return this.current;
  }
}
