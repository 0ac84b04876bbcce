// The back-channel logout receiver (OpenID Connect Back-Channel Logout 1.0): Gatehouse POSTs a logout token here when
// a Gatehouse session this app took part in ends, and the app ends its own sessions of it.
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Configuration } from 'openid-client';

/** §2.4: the member of `events` that makes a JWT a logout token. */
const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** Whose sessions a valid logout token ends: a Gatehouse session (`sid`), else every session of a subject. */
export interface LogoutTarget {
  readonly sid: string | undefined;
  readonly sub: string | undefined;
}

/** A logout token that fails a check of §2.6; the message says which, never the token. */
export class InvalidLogoutToken extends Error {
  override readonly name = 'InvalidLogoutToken';
}

/** Who must have issued a logout token, for whom, and how it is signed (the client's ID token algorithm). */
export interface LogoutTokenExpectations {
  readonly issuer: string;
  readonly clientId: string;
  readonly algorithm: string;
}

/** A verifier of logout tokens for this client, against the issuer's published keys (its jwks_uri). */
export function gatehouseLogoutTokenVerifier(config: Configuration): (logoutToken: string) => Promise<LogoutTarget> {
  const { issuer, jwks_uri: jwksUri } = config.serverMetadata();
  if (jwksUri === undefined) throw new Error("Gatehouse's metadata has no jwks_uri");
  const { client_id: clientId, id_token_signed_response_alg: algorithm = 'RS256' } = config.clientMetadata();
  return logoutTokenVerifier({ issuer, clientId, algorithm }, createRemoteJWKSet(new URL(jwksUri)));
}

/** A verifier of logout tokens meeting `expected`, signed with a key of `keys`. */
export function logoutTokenVerifier({ issuer, clientId, algorithm }: LogoutTokenExpectations, keys: JWTVerifyGetKey): (logoutToken: string) => Promise<LogoutTarget> {
  return async (logoutToken) => {
    let payload: Record<string, unknown>;
    try {
      // §2.6 steps 3-4: validated as an ID token is: signature with the issuer's key and the client's ID token
      // algorithm, iss, aud, iat (not in the future, and recent), exp; `typ` logout+jwt (§2.4) so no other JWT passes.
      ({ payload } = await jwtVerify(logoutToken, keys, {
        issuer,
        audience: clientId,
        typ: 'logout+jwt',
        algorithms: [algorithm],
        requiredClaims: ['iat', 'exp', 'jti', 'events'],
        maxTokenAge: 120,
        clockTolerance: 30,
      }));
    } catch (error) {
      throw new InvalidLogoutToken(`the logout token does not verify: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    // §2.6 step 5: the back-channel logout event, as a JSON object.
    const events = payload.events as Record<string, unknown> | null;
    const event = typeof events === 'object' && events !== null ? events[BACKCHANNEL_LOGOUT_EVENT] : undefined;
    if (typeof event !== 'object' || event === null) throw new InvalidLogoutToken('the logout token lacks the back-channel logout event');
    // §2.6 step 6: sid, sub or both.
    const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
    const sub = typeof payload.sub === 'string' ? payload.sub : undefined;
    if (sid === undefined && sub === undefined) throw new InvalidLogoutToken('the logout token names neither sid nor sub');
    // §2.6 step 7: a nonce would make it an ID token in disguise.
    if (payload.nonce !== undefined) throw new InvalidLogoutToken('the logout token carries a nonce');
    return { sid, sub };
  };
}
