// Local verification of RFC 9068 JWT access tokens against the issuer's JWKS.
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { principalFromClaims, type Principal } from './principal.js';

/** RFC 9068 §4: access tokens are signed with asymmetric keys; `none` and shared-secret MACs are never accepted. */
const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** RFC 9068 §2.2: the claims every JWT access token carries. */
const REQUIRED_CLAIMS = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'];

/** jose's codes for a token that is bad in itself, as opposed to a key set that could not be fetched. */
const TOKEN_FAILURES = new Set([
  errors.JWTExpired.code,
  errors.JWTClaimValidationFailed.code,
  errors.JWTInvalid.code,
  errors.JWSInvalid.code,
  errors.JWSSignatureVerificationFailed.code,
  errors.JWKSNoMatchingKey.code,
  errors.JWKSMultipleMatchingKeys.code,
  errors.JOSEAlgNotAllowed.code,
  errors.JOSENotSupported.code,
]);

export interface JwtCheck {
  readonly issuer: string;
  readonly audience: string | readonly string[];
  /** Seconds of clock skew tolerated for `exp`, `nbf` and `iat`. */
  readonly clockTolerance: number;
  readonly now: () => number;
}

/** Why a token was refused, for the API's logs; the answer to the caller stays a generic `invalid_token`. */
export class TokenRejected extends Error {
  override readonly name = 'TokenRejected';
}

/**
 * Verifies signature, `typ`, `iss`, `aud`, `exp`, `nbf` and the RFC 9068 claims. The key set is jose's remote JWKS:
 * cached, refetched on a `kid` it does not know at most once per cooldown (30 s), so forged `kid`s cannot flood the issuer.
 * @throws TokenRejected; any other error means the key set could not be fetched.
 */
export function jwtAccessTokenVerifier(jwksUri: () => Promise<string>, check: JwtCheck): (token: string) => Promise<Principal> {
  let keySet: JWTVerifyGetKey | undefined;
  const keys: JWTVerifyGetKey = async (header, token) => {
    keySet ??= createRemoteJWKSet(new URL(await jwksUri()));
    return keySet(header, token);
  };
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keys, {
        // RFC 9068 §4: `typ` must be `at+jwt` (jose accepts `application/at+jwt` as the same type).
        typ: 'at+jwt',
        issuer: check.issuer,
        audience: typeof check.audience === 'string' ? check.audience : [...check.audience],
        clockTolerance: check.clockTolerance,
        algorithms: ASYMMETRIC_ALGORITHMS,
        requiredClaims: REQUIRED_CLAIMS,
        currentDate: new Date(check.now()),
      });
      const principal = principalFromClaims(payload);
      if (principal === undefined) throw new TokenRejected('sub, client_id, exp or scope has the wrong type');
      return principal;
    } catch (error) {
      if (error instanceof errors.JOSEError && TOKEN_FAILURES.has(error.code)) throw new TokenRejected(error.message, { cause: error });
      throw error;
    }
  };
}
