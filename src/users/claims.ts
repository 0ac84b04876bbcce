// UserInfo (OpenID Connect Core §5.3): resolves a bearer access token to a live user and the claims its scope releases.
import { InsufficientScope, InvalidToken } from '../errors/oauth-errors.js';
import type { UserRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { AccessTokenVerifier, VerifiedAccessToken } from '../tokens/access-token.js';

/** Every claim Gatehouse can state about a user, in ID tokens or at userinfo (discovery's `claims_supported`). */
export const CLAIMS_SUPPORTED = [
  'sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'sid',
  'name', 'preferred_username', 'updated_at', 'email', 'email_verified',
] as const;

export interface UserInfoDependencies {
  readonly verifier: Pick<AccessTokenVerifier, 'verify'>;
  readonly store: Pick<Store, 'refreshTokens' | 'users' | 'revokedAccessTokens'>;
}

/** OpenID Connect Core §5.4: claims by scope; a claim with no value is left out rather than sent as null. */
export function claimsForScope(user: UserRecord, scopes: readonly string[]): Record<string, string | number | boolean> {
  const claims: Record<string, string | number | boolean> = { sub: user.userId };
  if (scopes.includes('profile')) {
    if (user.name !== null) claims.name = user.name;
    claims.preferred_username = user.username;
    claims.updated_at = user.updatedAt;
  }
  if (scopes.includes('email') && user.email !== null) {
    claims.email = user.email;
    claims.email_verified = user.emailVerified;
  }
  return claims;
}

/**
 * The userinfo claims for a presented access token, once `checkPresentation` accepted how it was presented (the
 * DPoP binding, RFC 9449 §7).
 * @throws InvalidToken for a bad, expired or revoked token or a disabled user; InsufficientScope without `openid`;
 * whatever `checkPresentation` throws.
 */
export async function resolveUserInfo(
  deps: UserInfoDependencies,
  accessToken: string,
  checkPresentation: (token: VerifiedAccessToken) => Promise<void>,
): Promise<Record<string, string | number | boolean>> {
  const token = deps.verifier.verify(accessToken);
  await checkPresentation(token);
  // RFC 7009 §2: a token its client revoked stops working at once, though it has not expired.
  if (await deps.store.revokedAccessTokens.isRevoked(token.tokenId)) throw new InvalidToken({ cause: new Error('access token revoked') });
  const family = await deps.store.refreshTokens.findFamily(token.familyId);
  // A revoked grant (refresh reuse, code replay, consent or user revoked) takes its access tokens with it.
  if (family === undefined || family.revokedAt !== null) throw new InvalidToken({ cause: new Error('token family revoked') });
  const user = await deps.store.users.findById(token.userId);
  if (user === undefined || user.disabledAt !== null) throw new InvalidToken({ cause: new Error('user missing or disabled') });
  const scopes = token.scope.split(' ');
  // OpenID Connect Core §5.3: userinfo serves OpenID Connect requests only.
  if (!scopes.includes('openid')) throw new InsufficientScope();
  return claimsForScope(user, scopes);
}
