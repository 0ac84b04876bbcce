// Back-Channel Logout 1.0 logout tokens (§2.4): a signed statement that a session of the user ended, for one client.
import { randomUUID } from 'node:crypto';
import { signJwt } from './jwt.js';
import type { SigningKey } from './keys/signing-key.js';

/** Back-Channel Logout §2.4: the explicit type, so a logout token can never pass for an ID or access token. */
export const LOGOUT_TOKEN_TYPE = 'logout+jwt';
/** Back-Channel Logout §2.4: the member of `events` that makes a JWT a logout token. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

export interface LogoutTokenInput {
  readonly issuer: string;
  readonly clientId: string;
  readonly userId: string;
  /** The ended session, the `sid` its ID tokens carried. */
  readonly sessionId: string;
  readonly now: number;
  readonly ttl: number;
}

/**
 * Signs a logout token with `key`, of the client's registered ID token algorithm (Back-Channel Logout §2.6: the
 * receiver validates it as it validates ID tokens). §2.4: `sub` and `sid`, `events`, a fresh `jti`, and never a `nonce`.
 */
export function createLogoutToken(input: LogoutTokenInput, key: SigningKey): string {
  const claims = {
    iss: input.issuer,
    aud: input.clientId,
    iat: input.now,
    exp: input.now + input.ttl,
    jti: randomUUID(),
    sub: input.userId,
    sid: input.sessionId,
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
  };
  return signJwt({ typ: LOGOUT_TOKEN_TYPE }, claims, key);
}
