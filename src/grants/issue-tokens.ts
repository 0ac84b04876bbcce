// Token issuance shared by the grants: the access token, the ID token when `openid` is granted, a new refresh token.
import type { Config } from '../config/schema.js';
import type { RefreshTokenRecord, TokenFamilyRecord } from '../store/records.js';
import { createAccessToken } from '../tokens/access-token.js';
import { createIdToken } from '../tokens/id-token.js';
import { generateOpaqueValue, hashOpaqueValue } from '../tokens/opaque.js';
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
  /** The scope of this response: the family's, or a narrower one on refresh. */
  readonly scope: string;
  /** The authorization request's nonce; null on refresh (OpenID Connect Core §12.2). */
  readonly nonce: string | null;
  /** The refresh token value to hand out, if any. */
  readonly refreshToken: string | undefined;
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

/** Mints the access token and, with `openid`, the ID token of one response, in memory. */
export function issueTokens(deps: Pick<GrantDependencies, 'keyRing' | 'config'>, issuance: Issuance): TokenResponse {
  const { family, scope, nonce, refreshToken, now } = issuance;
  const { issuer, tokens } = deps.config;
  const key = deps.keyRing.activeKey();
  const base = { issuer, userId: family.userId, clientId: family.clientId, authTime: family.authTime, now };
  const accessToken = createAccessToken({ ...base, scope, familyId: family.familyId, ttl: tokens.accessTokenTtl }, key);
  // OpenID Connect Core §3.1.3.3: an ID token only when the openid scope was granted.
  const idToken = includesScope(scope, 'openid')
    ? createIdToken({ ...base, sessionId: family.sessionId, nonce, accessToken, ttl: tokens.idTokenTtl }, key)
    : undefined;
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: tokens.accessTokenTtl,
    scope,
    ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
    ...(idToken === undefined ? {} : { id_token: idToken }),
  };
}
