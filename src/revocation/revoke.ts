// Token revocation (RFC 7009 §2): a refresh token ends its whole grant, an access token goes on the deny list.
import type { EventBus, EventContext } from '../observability/events.js';
import type { ClientRecord, RefreshTokenRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { InspectedAccessToken } from '../tokens/access-token.js';
import { identifyToken, type PresentedTokenDependencies } from '../tokens/presented-token.js';

/** The reason a family revoked at its client's request records. */
export const REVOKED_BY_CLIENT = 'revoked_by_client';

export interface RevocationDependencies extends PresentedTokenDependencies {
  readonly store: Pick<Store, 'refreshTokens' | 'revokedAccessTokens'>;
  readonly events: Pick<EventBus, 'emit'>;
  /** `tokens.clockTolerance`: verifiers accept a token this long past its `exp`, so its deny-list entry lasts as long. */
  readonly clockTolerance: number;
}

/** A revocation request of an authenticated client: the token as presented, who sent it and from where. */
export interface RevocationRequest {
  readonly caller: ClientRecord;
  readonly token: string;
  readonly origin: EventContext;
  readonly now: number;
}

async function revokeAccessToken(deps: RevocationDependencies, request: RevocationRequest, claims: InspectedAccessToken): Promise<void> {
  const { caller, now } = request;
  // RFC 7009 §2.1: the token must have been issued to the calling client. §2.1 would refuse another's with an error;
  // Gatehouse answers 200 as for an invalid token (§2.2) instead, so the answer never confirms another client's token.
  if (claims.clientId !== caller.clientId) return;
  const entry = { tokenId: claims.tokenId, clientId: caller.clientId, revokedAt: now, expiresAt: claims.expiresAt + deps.clockTolerance };
  // Only the first revocation is an event: a repeat changes nothing.
  if (!(await deps.store.revokedAccessTokens.add(entry))) return;
  const userId = claims.familyId === null ? null : claims.subject;
  deps.events.emit({ type: 'access_token.revoked', userId, clientId: caller.clientId, tokenId: claims.tokenId }, request.origin);
}

async function revokeRefreshToken(deps: RevocationDependencies, request: RevocationRequest, record: RefreshTokenRecord): Promise<void> {
  const { caller, now } = request;
  // RFC 7009 §2.1: only the client the token was issued to may revoke it.
  if (record.clientId !== caller.clientId) return;
  const family = await deps.store.refreshTokens.findFamily(record.familyId);
  // RFC 7009 §2.2: an expired token changes nothing. A rotated one still names its grant, which it ends.
  if (family === undefined || now >= record.expiresAt || now >= family.expiresAt) return;
  // RFC 7009 §2.1: revoking a refresh token invalidates every token of the same grant, its access tokens included.
  if (!(await deps.store.refreshTokens.revokeFamily(family.familyId, REVOKED_BY_CLIENT, now))) return;
  deps.events.emit({ type: 'refresh_token.revoked', userId: family.userId, clientId: caller.clientId, familyId: family.familyId }, request.origin);
}

/**
 * RFC 7009 §2.1-2.2: revokes the token if it is a live one of the calling client. Unknown, malformed, expired or
 * another client's tokens change nothing and the caller gets the same answer, so nothing is returned.
 */
export async function revokeToken(deps: RevocationDependencies, request: RevocationRequest): Promise<void> {
  const token = await identifyToken(deps, request.token);
  if (token === undefined) return;
  if (token.kind === 'access_token') await revokeAccessToken(deps, request, token.claims);
  else await revokeRefreshToken(deps, request, token.record);
}
