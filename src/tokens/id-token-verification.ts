// An ID token checked as a relying party checks it (OIDC Core §3.1.3.7): signature against the issuer's published
// JWK Set, iss, aud, azp, exp, iat and nonce. Used by `gatehouse probe`, which fetched the key set itself.
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';

/** OIDC Core §3.1.3.7 (6)-(7): asymmetric signatures only; `none` and shared-secret MACs are never accepted here. */
const ASYMMETRIC_ALGORITHMS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);

export interface IdTokenExpectations {
  readonly issuer: string;
  readonly clientId: string;
  /** The nonce sent in the authorization request. */
  readonly nonce: string;
  /** The issuer's `id_token_signing_alg_values_supported`; only the asymmetric ones are accepted. */
  readonly algorithms: readonly string[];
  readonly clockTolerance: number;
}

/** Why an ID token was refused, in words that never quote the token. */
export class IdTokenRejected extends Error {
  override readonly name = 'IdTokenRejected';
}

/** @throws IdTokenRejected naming the check that failed */
export async function verifyIdToken(idToken: string, jwks: unknown, expected: IdTokenExpectations): Promise<JWTPayload & { readonly sub: string }> {
  const algorithms = expected.algorithms.filter((alg) => ASYMMETRIC_ALGORITHMS.has(alg));
  if (algorithms.length === 0) throw new IdTokenRejected('discovery lists no asymmetric ID token signing algorithm');
  let payload: JWTPayload;
  try {
    const keys = createLocalJWKSet(jwks as JSONWebKeySet);
    ({ payload } = await jwtVerify(idToken, keys, {
      issuer: expected.issuer,
      audience: expected.clientId,
      algorithms,
      clockTolerance: expected.clockTolerance,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
    }));
  } catch (error) {
    throw new IdTokenRejected(describeJoseFailure(error), { cause: error });
  }
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new IdTokenRejected('the sub claim is not a string');
  // OIDC Core §3.1.3.7 (11): the nonce of the request comes back unchanged.
  if (payload.nonce !== expected.nonce) throw new IdTokenRejected('the nonce claim does not match the request');
  // OIDC Core §3.1.3.7 (4)-(5): with several audiences, azp names this client.
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== expected.clientId) {
    throw new IdTokenRejected('several audiences and the azp claim is not this client');
  }
  return { ...payload, sub: payload.sub };
}

function describeJoseFailure(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the ID token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `the ${error.claim} claim is not as expected (${error.reason})`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the signature does not verify';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key of the JWK Set matches the ID token';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'signed with an algorithm discovery does not list';
  if (error instanceof errors.JWKSInvalid) return 'jwks_uri did not answer a JWK Set';
  if (error instanceof errors.JOSEError) return `the ID token is not a valid JWT (${error.code})`;
  return 'the ID token could not be verified';
}
