// What a token presented for introspection or revocation is: a Gatehouse access token (a JWT) or a refresh token (opaque).
import { InvalidRequest, InvalidToken } from '../errors/oauth-errors.js';
import type { Parameters } from '../protocol/parameters.js';
import type { RefreshTokenRecord } from '../store/records.js';
import type { RefreshTokenRepository } from '../store/store.js';
import type { AccessTokenVerifier, InspectedAccessToken } from './access-token.js';
import { hashOpaqueValue } from './opaque.js';

export type PresentedToken =
  | { readonly kind: 'access_token'; readonly claims: InspectedAccessToken }
  | { readonly kind: 'refresh_token'; readonly record: RefreshTokenRecord };

export interface PresentedTokenDependencies {
  readonly verifier: Pick<AccessTokenVerifier, 'inspect'>;
  readonly store: { readonly refreshTokens: Pick<RefreshTokenRepository, 'findByHash'> };
}

/** The `token` parameter. @throws InvalidRequest when it is missing (RFC 7662 §2.1 and RFC 7009 §2.1: it is required). */
export function readPresentedToken(parameters: Parameters): string {
  const token = parameters.get('token');
  if (token === undefined) throw new InvalidRequest({ description: 'The token parameter is missing.' });
  return token;
}

/** RFC 7515 §7.1: a compact JWS is three base64url parts; a refresh token is a single base64url value, never one. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The access token (signature, `typ`, `iss` and `exp` verified, any audience) or the stored refresh token the value
 * is, or undefined for anything else: malformed, expired, foreign, unknown, an ID token. The shape alone tells the two
 * kinds apart, so `token_type_hint` is never needed (RFC 7009 §2.1 and RFC 7662 §2.1 let the server ignore it).
 */
export async function identifyToken(deps: PresentedTokenDependencies, value: string): Promise<PresentedToken | undefined> {
  if (COMPACT_JWS.test(value)) {
    try {
      return { kind: 'access_token', claims: deps.verifier.inspect(value) };
    } catch (error) {
      if (error instanceof InvalidToken) return undefined;
      throw error;
    }
  }
  // SECURITY.md: the store sees only hashes of tokens.
  const record = await deps.store.refreshTokens.findByHash(hashOpaqueValue(value));
  return record && { kind: 'refresh_token', record };
}
