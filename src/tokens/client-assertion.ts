// Verifying a client assertion (RFC 7523 §3): its signature against the client's public keys, and its claims.
import { createLocalJWKSet, decodeJwt, jwtVerify, type CryptoKey, type JSONWebKeySet, type JWTPayload, type JWTVerifyOptions } from 'jose';
import type { JsonWebKeySet } from '../store/records.js';

export interface ClientAssertionExpectations {
  readonly clientId: string;
  /** RFC 7523 §3: the issuer identifier, or the URL of the endpoint the assertion is sent to. */
  readonly audiences: readonly string[];
  /** The accepted JWS algorithms: asymmetric ones only. */
  readonly algorithms: readonly string[];
  /** Epoch seconds. */
  readonly now: number;
  readonly clockTolerance: number;
  /** The furthest ahead `exp` may be, in seconds from now (before the tolerance). */
  readonly maxLifetime: number;
}

/** What an accepted assertion leaves to check against replay: its `jti` and until when it is valid. */
export interface VerifiedClientAssertion {
  readonly jti: string;
  readonly exp: number;
}

/** Why an assertion was refused; the reason is for the log. `unknownKey`: no key of the set fits its header. */
export class ClientAssertionRejected extends Error {
  constructor(
    reason: string,
    readonly unknownKey = false,
  ) {
    super(reason);
    this.name = 'ClientAssertionRejected';
  }
}

/** The `sub` the assertion claims, read without verifying anything: which client to look up. Undefined when unreadable. */
export function readUnverifiedSubject(assertion: string): string | undefined {
  try {
    const { sub } = decodeJwt(assertion);
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}

/** jose's documented way with several candidate keys (no `kid`, or a repeated one): the first whose signature verifies. */
async function verifyWithAnyKey(assertion: string, keys: JsonWebKeySet, options: JWTVerifyOptions): Promise<JWTPayload> {
  const keySet = createLocalJWKSet(keys as JSONWebKeySet);
  try {
    return (await jwtVerify(assertion, keySet, options)).payload;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') throw error;
    for await (const key of error as AsyncIterable<CryptoKey>) {
      try {
        return (await jwtVerify(assertion, key, options)).payload;
      } catch (inner) {
        if ((inner as { code?: unknown }).code !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') throw inner;
      }
    }
    throw error;
  }
}

/**
 * Verifies a client assertion: signed by one of `keys` with an accepted algorithm; `iss` and `sub` the client id;
 * `aud` naming one of the audiences; `exp` present, not passed and not too far ahead; `nbf` and `iat` not in the
 * future; `jti` present (RFC 7523 §3, OpenID Connect Core §9). Each time check allows `clockTolerance`.
 * @throws ClientAssertionRejected
 */
export async function verifyClientAssertion(assertion: string, keys: JsonWebKeySet, expected: ClientAssertionExpectations): Promise<VerifiedClientAssertion> {
  const options: JWTVerifyOptions = {
    algorithms: [...expected.algorithms],
    issuer: expected.clientId,
    subject: expected.clientId,
    audience: [...expected.audiences],
    currentDate: new Date(expected.now * 1000),
    clockTolerance: expected.clockTolerance,
    requiredClaims: ['exp', 'jti'],
  };
  let payload: JWTPayload;
  try {
    payload = await verifyWithAnyKey(assertion, keys, options);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason = error instanceof Error ? error.message : String(error);
    // The reason only: a jose claim error carries the claims, which stay out of the log.
    throw new ClientAssertionRejected(`client assertion refused: ${reason}`, code === 'ERR_JWKS_NO_MATCHING_KEY');
  }
  const { exp, iat, jti } = payload as { exp: number; iat?: number; jti: unknown };
  const latest = expected.now + expected.clockTolerance;
  // RFC 7523 §3 (4): the server may refuse an expiry unreasonably far in the future.
  if (exp > latest + expected.maxLifetime) throw new ClientAssertionRejected(`client assertion refused: exp is more than ${expected.maxLifetime} s ahead`);
  if (iat !== undefined && iat > latest) throw new ClientAssertionRejected('client assertion refused: iat is in the future');
  if (typeof jti !== 'string' || jti === '') throw new ClientAssertionRejected('client assertion refused: jti is not a non-empty string');
  return { jti, exp };
}
