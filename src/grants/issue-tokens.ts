// Token issuance shared by the grants: the access token, the ID token when `openid` is granted, a new refresh token.
import type { Config } from '../config/schema.js';
import { ServerError } from '../errors/oauth-errors.js';
import type { RefreshTokenRecord, SigningAlgorithm, TokenFamilyRecord } from '../store/records.js';
import { createAccessToken } from '../tokens/access-token.js';
import { createIdToken } from '../tokens/id-token.js';
import type { SigningKey } from '../tokens/keys/signing-key.js';
import { generateOpaqueValue, hashOpaqueValue } from '../tokens/opaque.js';
import type { AccessTokenAudience } from './audience.js';
import type { GrantDependencies, TokenResponse } from './grant.js';
import { includesScope } from '../protocol/scope.js';

/** SECURITY.md: refresh tokens carry at least 256 bits. */
const REFRESH_TOKEN_BYTES = 32;

/** A new refresh token: the value for the client, the record (hash only) for the store. */
export interface MintedRefreshToken {
  readonly value: string;
  readonly record: RefreshTokenRecord;
}

export interface Issuance {
  readonly family: TokenFamilyRecord;
  /** The scope granted to this request: the family's, or a narrower one on refresh. An ID token comes with `openid`. */
  readonly scope: string;
  /** Who the access token is for, and the part of `scope` it carries (RFC 8707 §2.2). */
  readonly audience: AccessTokenAudience;
  /** The authorization request's nonce; null on refresh (OpenID Connect Core §12.2). */
  readonly nonce: string | null;
  /** The refresh token value to hand out, if any. */
  readonly refreshToken: string | undefined;
  /** The client's registered `id_token_signed_response_alg` (OpenID Connect Registration §2). */
  readonly idTokenSignedResponseAlg: SigningAlgorithm;
  /** RFC 9449 §5: the thumbprint of the request's DPoP key, which the access token is bound to. */
  readonly dpopJkt: string | undefined;
  readonly now: number;
}

export function mintRefreshToken(family: TokenFamilyRecord, tokens: Pick<Config['tokens'], 'refreshTokenIdleTtl'>, now: number): MintedRefreshToken {
  const value = generateOpaqueValue(REFRESH_TOKEN_BYTES);
  const record: RefreshTokenRecord = {
    tokenHash: hashOpaqueValue(value),
    familyId: family.familyId,
    clientId: family.clientId,
    // RFC 6749 §6: a new refresh token has the scope of the one it replaces, which is always the family's.
    scope: family.scope,
    issuedAt: now,
    // Idle expiry, never past the family's absolute one.
    expiresAt: Math.min(now + tokens.refreshTokenIdleTtl, family.expiresAt),
    rotatedAt: null,
  };
  return { value, record };
}

/** RFC 9449 §5: a DPoP-bound access token is of type DPoP, any other of type Bearer (RFC 6750 §4). */
export const tokenTypeOf = (dpopJkt: string | undefined): TokenResponse['token_type'] => (dpopJkt === undefined ? 'Bearer' : 'DPoP');

/** A key that must exist to answer; a missing one is a server fault, its cause logged and never shown. */
export function requireKey(key: SigningKey | undefined, problem: () => string): SigningKey {
  if (key === undefined) throw new ServerError({ cause: new Error(problem()) });
  return key;
}

/**
 * Mints the access token (`keys.accessTokenAlgorithm`) and, with `openid`, the ID token (the client's registered
 * algorithm) of one response, in memory.
 * @throws ServerError when either algorithm has no active key; nothing is signed with another algorithm instead.
 */
export function issueTokens(deps: Pick<GrantDependencies, 'keyRing' | 'config'>, issuance: Issuance): TokenResponse {
  const { family, scope, audience, nonce, refreshToken, idTokenSignedResponseAlg: idAlg, dpopJkt, now } = issuance;
  const { issuer, tokens, keys } = deps.config;
  // OpenID Connect Core §3.1.3.3: an ID token only when the openid scope was granted. Registration §2: signed with
  // the client's algorithm, or not at all (keys.algorithms changed since the client registered it).
  const idTokenKey = includesScope(scope, 'openid')
    ? requireKey(
        deps.keyRing.activeKey(idAlg),
        () => `client ${family.clientId} registered id_token_signed_response_alg ${idAlg}, which has no active signing key: add ${idAlg} to keys.algorithms or update the client`,
      )
    : undefined;
  const accessTokenAlg = keys.accessTokenAlgorithm;
  const accessTokenKey = requireKey(deps.keyRing.activeKey(accessTokenAlg), () => `keys.accessTokenAlgorithm ${accessTokenAlg} has no active signing key`);
  const base = { issuer, userId: family.userId, clientId: family.clientId, authTime: family.authTime, now };
  const accessToken = createAccessToken(
    { ...base, scope: audience.scope, familyId: family.familyId, audience: audience.identifier, ttl: audience.ttl, dpopJkt },
    accessTokenKey,
  );
  const idToken = idTokenKey === undefined
    ? undefined
    : createIdToken({ ...base, sessionId: family.sessionId, nonce, accessToken, ttl: tokens.idTokenTtl }, idTokenKey);
  return {
    access_token: accessToken,
    token_type: tokenTypeOf(dpopJkt),
    expires_in: audience.ttl,
    // RFC 6749 §5.1: the scope of the access token.
    scope: audience.scope,
    ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
    ...(idToken === undefined ? {} : { id_token: idToken }),
  };
}
