// The JWT claims checks of RFC 7519 §4.1, in the order and with the semantics of jose's jwtVerify, so both agree.

/** What the claims must say. */
export interface ClaimsExpectations {
  /** RFC 7519 §4.1.1: `iss` must equal it. */
  readonly issuer: string;
  /** RFC 7519 §4.1.3: when given, `aud` (a string or an array) must contain it. */
  readonly audience?: string;
  /** Claims that must be present, whatever their value; `exp` always is. */
  readonly requiredClaims: readonly string[];
  /** Seconds of clock skew allowed on `exp` and `nbf`. */
  readonly clockTolerance: number;
  /** Epoch seconds to judge `exp` and `nbf` at; the wall clock when absent. */
  readonly now?: number;
}

export type ClaimsRejection = 'missing_claim' | 'issuer' | 'audience' | 'time_claim' | 'not_yet_valid' | 'expired';

const TIME_CLAIMS = ['iat', 'nbf', 'exp'] as const;

function hasAudience(aud: unknown, audience: string): boolean {
  return typeof aud === 'string' ? aud === audience : Array.isArray(aud) && aud.includes(audience);
}

/** The first claims check `claims` fails, or undefined when it passes them all. */
export function claimsRejection(claims: Readonly<Record<string, unknown>>, expected: ClaimsExpectations): ClaimsRejection | undefined {
  const { issuer, audience, clockTolerance } = expected;
  // RFC 9068 §4: a token without an expiry is never accepted, whatever the caller listed.
  const required = new Set([...expected.requiredClaims, 'exp', 'iss', ...(audience === undefined ? [] : ['aud'])]);
  for (const claim of required) if (!Object.hasOwn(claims, claim)) return 'missing_claim';
  if (claims.iss !== issuer) return 'issuer';
  if (audience !== undefined && !hasAudience(claims.aud, audience)) return 'audience';
  // RFC 7519 §2: a NumericDate is a JSON number; present time claims must be one.
  if (TIME_CLAIMS.some((claim) => claims[claim] !== undefined && typeof claims[claim] !== 'number')) return 'time_claim';
  const now = expected.now ?? Math.floor(Date.now() / 1000);
  const { nbf, exp } = claims as { readonly nbf?: number; readonly exp: number };
  // RFC 7519 §4.1.5: not before `nbf`, with some leeway for skew.
  if (nbf !== undefined && nbf > now + clockTolerance) return 'not_yet_valid';
  // RFC 7519 §4.1.4: on or after `exp` the token must be refused, with some leeway for skew.
  if (exp <= now - clockTolerance) return 'expired';
  return undefined;
}
