// DPoP proofs (RFC 9449 §4): checking one as §4.3 asks, and the JWK thumbprint (RFC 7638) a token is bound to.
// Self-contained (jose and node:crypto only), so the resource-server library checks proofs with the same code.
import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';

/** RFC 9449 §4.3 (5): asymmetric algorithms only, never `none` or a MAC. Advertised as `dpop_signing_alg_values_supported`. */
export const DPOP_SIGNING_ALGORITHMS: readonly string[] = ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'];

/** RFC 9449 §4.2: the `typ` of every proof. */
const DPOP_PROOF_TYPE = 'dpop+jwt';

/** Members only a private or symmetric JWK has (RFC 7518 §6.2.2, §6.3.2, §6.4, RFC 8037 §2; `priv` of AKP keys). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'];

/** What a proof must match; `accessToken` when one is presented with it (RFC 9449 §4.3 (12)). */
export interface DpopProofExpectations {
  /** The HTTP method of the request. */
  readonly method: string;
  /** The URL of the request, without query or fragment (normalised here). */
  readonly url: string;
  readonly accessToken?: string;
  /** The thumbprint the presented token is bound to (`cnf.jkt`), which the proof's key must have (RFC 9449 §7.1). */
  readonly boundJkt?: string;
  /** Epoch seconds. */
  readonly now: number;
  /** Seconds a proof's `iat` may lie before or after `now`. */
  readonly maxAge: number;
  /** Whether a `nonce` the server issued is acceptable; absent: the server requires none (RFC 9449 §8). */
  readonly acceptsNonce?: (nonce: string | undefined) => boolean;
  /**
   * Records the proof's key-scoped `jti` until `expiresAt` (exclusive: at `expiresAt` it may be recorded anew): false
   * when it was seen before (a replay, RFC 9449 §11.1).
   * `jtiHash` is the SHA-256 of the thumbprint and the `jti`, so one client cannot block another's values.
   */
  readonly markUsed: (jtiHash: string, expiresAt: number) => Promise<boolean>;
}

/** An accepted proof: the thumbprint of its key, which tokens are bound to (`cnf.jkt`, RFC 9449 §6.1). */
export interface AcceptedDpopProof {
  readonly jkt: string;
}

/** Why a proof was refused; `reason` is for the log. `nonce`: the server's nonce was missing or stale (RFC 9449 §8). `replayed`: its jti was seen. */
export class DpopProofRejected extends Error {
  constructor(
    reason: string,
    readonly kind: 'invalid' | 'nonce' | 'replayed' = 'invalid',
  ) {
    super(`DPoP proof refused: ${reason}`);
    this.name = 'DpopProofRejected';
  }
}

/**
 * RFC 9449 §4.3 (9): `htu` is compared without query and fragment, after the normalisation of RFC 3986 §6.2.2 and
 * §6.2.3 (case of scheme and host, default port, dot segments, percent-encoding case), which the WHATWG URL parser does.
 * Undefined for anything that is not an absolute http(s) URL.
 */
export function normaliseHtu(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  url.search = '';
  url.hash = '';
  return url.href.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase());
}

/** RFC 9449 §4.2 `ath`: base64url of the SHA-256 of the ASCII access token. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/** The header checks of RFC 9449 §4.3 (4)-(7), before any key is imported; returns the public JWK. */
function checkHeader(proof: string): JWK {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    throw new DpopProofRejected('not a JWT');
  }
  if (proof.split('.').length !== 3) throw new DpopProofRejected('not a compact JWS');
  // RFC 9449 §4.3 (4): typ is dpop+jwt.
  if (header.typ !== DPOP_PROOF_TYPE) throw new DpopProofRejected('typ is not dpop+jwt');
  // RFC 9449 §4.3 (5): an asymmetric algorithm the server supports.
  if (typeof header.alg !== 'string' || !DPOP_SIGNING_ALGORITHMS.includes(header.alg)) throw new DpopProofRejected('alg is not an accepted asymmetric algorithm');
  const jwk = header.jwk as unknown;
  // RFC 9449 §4.3 (7): the jwk header is a public key, with no private (or symmetric) member.
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw new DpopProofRejected('jwk header missing');
  if (PRIVATE_MEMBERS.some((member) => Object.hasOwn(jwk, member))) throw new DpopProofRejected('jwk header holds a private key');
  return jwk;
}

/** RFC 9449 §4.3 (6): the signature, with the key of the jwk header. */
async function verifiedPayload(proof: string): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(proof, EmbeddedJWK, { typ: DPOP_PROOF_TYPE, algorithms: [...DPOP_SIGNING_ALGORITHMS] });
    return payload;
  } catch (error) {
    throw new DpopProofRejected(`signature or key refused (${error instanceof Error ? error.name : 'error'})`);
  }
}

/** RFC 9449 §4.3 (8)-(12): the claims; returns the jti and iat to remember. */
function checkClaims(payload: JWTPayload, expected: DpopProofExpectations): { readonly jti: string; readonly iat: number } {
  const { htm, htu, iat, jti, ath } = payload as Record<string, unknown>;
  if (typeof jti !== 'string' || jti === '' || jti.length > 256) throw new DpopProofRejected('jti missing');
  // RFC 9449 §4.3 (8): htm is the method of the request.
  if (htm !== expected.method) throw new DpopProofRejected('htm does not match the request method');
  // RFC 9449 §4.3 (9): htu is the URL of the request, without query and fragment.
  if (typeof htu !== 'string' || normaliseHtu(htu) !== normaliseHtu(expected.url)) throw new DpopProofRejected('htu does not match the request URL');
  // RFC 9449 §4.3 (11): iat within an acceptable window, either side of now (clock skew).
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new DpopProofRejected('iat missing');
  if (Math.abs(iat - expected.now) > expected.maxAge) throw new DpopProofRejected('iat outside the accepted window');
  // RFC 9449 §4.3 (12): ath is the hash of the access token presented with the proof.
  if (expected.accessToken !== undefined && ath !== accessTokenHash(expected.accessToken)) throw new DpopProofRejected('ath does not match the access token');
  return { jti, iat };
}

/**
 * Checks a DPoP proof as RFC 9449 §4.3 lists, then refuses a replayed `jti` (remembered while `iat` is in the window).
 * @throws DpopProofRejected
 */
export async function verifyDpopProof(proof: string, expected: DpopProofExpectations): Promise<AcceptedDpopProof> {
  const jwk = checkHeader(proof);
  const payload = await verifiedPayload(proof);
  const { jti, iat } = checkClaims(payload, expected);
  // RFC 9449 §4.3 (10): the server's nonce, when it requires one.
  const nonce = typeof payload.nonce === 'string' ? payload.nonce : undefined;
  if (expected.acceptsNonce !== undefined && !expected.acceptsNonce(nonce)) throw new DpopProofRejected('nonce missing or stale', 'nonce');
  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  // RFC 9449 §7.1: the proof's key is the token's; checked before the jti is recorded, so proofs by another key (a
  // stolen token's thief) are never remembered and cannot crowd out the holder's.
  if (expected.boundJkt !== undefined && jkt !== expected.boundJkt) throw new DpopProofRejected('the proof key is not the token key');
  const jtiHash = createHash('sha256').update(`${jkt}.${jti}`, 'utf8').digest('base64url');
  // RFC 9449 §11.1: a proof is accepted once; its jti is kept until its iat has left the window. The proof is
  // accepted up to and including second iat + maxAge, so the record lives until the second after (markUsed's expiry
  // is exclusive).
  if (!(await expected.markUsed(jtiHash, Math.ceil(iat) + expected.maxAge + 1))) throw new DpopProofRejected('jti replayed', 'replayed');
  return { jkt };
}
