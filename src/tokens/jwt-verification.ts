// Compact JWS JWT verification straight through node:crypto with KeyObjects imported once, the mirror of signJwt:
// about twice as fast as jose's WebCrypto path (bench/jwt-verify.ts). It accepts only what jose's jwtVerify accepts
// with the same options, and is stricter in three ways: base64url must be canonical, any `crit` header is refused,
// and `exp` is always required.
import { verify, type KeyObject } from 'node:crypto';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../store/records.js';
import { claimsRejection, type ClaimsExpectations, type ClaimsRejection } from './jwt-claims.js';

/**
 * Far above any token Gatehouse issues, and the size of the largest request header Node accepts by default: a
 * longer value is refused before any decoding.
 */
export const MAX_JWT_LENGTH = 16_384;

/** Where `verifyJwt` finds the key a header names. */
export interface VerificationKeySource {
  /** The one key to verify `alg` with for the header's `kid`; undefined when none or several match, or it is unusable. */
  select(alg: SigningAlgorithm, kid: unknown): KeyObject | undefined;
}

export interface JwtVerificationOptions extends ClaimsExpectations {
  /** The algorithms accepted; only those Gatehouse signs with can ever pass, never `none`. */
  readonly algorithms: readonly string[];
  /** The expected `typ`, compared as RFC 8725 §3.11 and jose do: case-insensitively, `application/` optional. */
  readonly typ: string;
}

/** Why a JWT was refused, for the log (never shown): the step that failed. */
export type JwtRejection = 'malformed' | 'header' | 'critical' | 'algorithm' | 'type' | 'key' | 'signature' | 'payload' | ClaimsRejection;

export class JwtRejected extends Error {
  constructor(readonly reason: JwtRejection) {
    super(`JWT refused: ${reason}`);
    this.name = 'JwtRejected';
  }
}

/** A verified claims set, as the payload's JSON object. */
export type JwtClaims = Readonly<Record<string, unknown>>;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * RFC 7515 §2: base64url without padding. Only the canonical encoding is accepted (RFC 4648 §3.5: the unused bits of
 * the last character are zero), so no two strings carry one signature; anything else is undefined.
 */
function decodeSegment(segment: string): Buffer | undefined {
  const bytes = Buffer.from(segment, 'base64url');
  return bytes.toString('base64url') === segment ? bytes : undefined;
}

/** A JSON object from strict UTF-8 (RFC 7515 §5.2 steps 2-3, RFC 7519 §7.2 step 10); undefined for anything else. */
function parseJsonObject(bytes: Buffer): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(bytes));
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** RFC 8725 §3.11: `at+jwt` and `application/at+jwt` name one media type, in any case (RFC 7515 §4.1.9). */
function normaliseType(typ: string): string {
  const lower = typ.toLowerCase();
  return typ.includes('/') ? lower : `application/${lower}`;
}

function isSigningAlgorithm(alg: unknown): alg is SigningAlgorithm {
  return (SIGNING_ALGORITHMS as readonly unknown[]).includes(alg);
}

/** The protected header's checks (RFC 7515 §5.2, RFC 8725 §3.1 and §3.11); returns the algorithm and key id. */
function readHeader(segment: string, options: JwtVerificationOptions): { readonly alg: SigningAlgorithm; readonly kid: unknown } {
  const bytes = decodeSegment(segment);
  const header = bytes && parseJsonObject(bytes);
  if (header === undefined) throw new JwtRejected('header');
  // RFC 7515 §4.1.11: Gatehouse understands no extension, so a header marking one critical is refused.
  if (header.crit !== undefined) throw new JwtRejected('critical');
  // RFC 8725 §3.1: only the algorithms the published keys were made for; `none` is never among them.
  const { alg, typ, kid } = header;
  if (!isSigningAlgorithm(alg) || !options.algorithms.includes(alg)) throw new JwtRejected('algorithm');
  if (typeof typ !== 'string' || normaliseType(typ) !== normaliseType(options.typ)) throw new JwtRejected('type');
  return { alg, kid };
}

// RFC 7518 §3.4: ES256 signatures are the raw 64-byte R||S; RS256 is RSASSA-PKCS1-v1_5 with SHA-256 (§3.3);
// RFC 8037 §3.1: Ed25519 hashes internally, so no digest is named.
function verifySignature(alg: SigningAlgorithm, key: KeyObject, signingInput: Buffer, signature: Buffer): boolean {
  switch (alg) {
    case 'ES256':
      return verify('sha256', signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature);
    case 'RS256':
      return verify('sha256', signingInput, key, signature);
    case 'EdDSA':
      return verify(null, signingInput, key, signature);
  }
}

/**
 * Verifies a compact JWS JWT (RFC 7519 §7.2): three canonical base64url segments, the header's `alg`, `typ` and `kid`,
 * the signature with the key `keys` selects, then the claims (`iss`, `aud`, `exp`, `nbf`, `iat`, required claims).
 * @throws JwtRejected naming the first check that failed.
 * @example
 * const claims = verifyJwt(token, publishedKeys, { algorithms: ['ES256'], typ: 'at+jwt', issuer, requiredClaims: ['sub'], clockTolerance: 30 });
 */
export function verifyJwt(token: string, keys: VerificationKeySource, options: JwtVerificationOptions): JwtClaims {
  const segments = token.length <= MAX_JWT_LENGTH ? token.split('.') : [];
  if (segments.length !== 3) throw new JwtRejected('malformed');
  const [encodedHeader, encodedPayload, encodedSignature] = segments as [string, string, string];
  const { alg, kid } = readHeader(encodedHeader, options);
  const payloadBytes = decodeSegment(encodedPayload);
  const signature = decodeSegment(encodedSignature);
  if (payloadBytes === undefined || signature === undefined) throw new JwtRejected('malformed');
  const key = keys.select(alg, kid);
  if (key === undefined) throw new JwtRejected('key');
  const signingInput = Buffer.from(`${encodedHeader}.${encodedPayload}`, 'latin1');
  if (!verifySignature(alg, key, signingInput, signature)) throw new JwtRejected('signature');
  const claims = parseJsonObject(payloadBytes);
  if (claims === undefined) throw new JwtRejected('payload');
  const rejection = claimsRejection(claims, options);
  if (rejection !== undefined) throw new JwtRejected(rejection);
  return claims;
}
