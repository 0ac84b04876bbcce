// A new token family for a person's grant (a redeemed authorization code or device code): its tokens, all stored at once.
import { randomUUID } from 'node:crypto';
import { contextOf } from '../anomalies/family-context.js';
import type { EventContext } from '../observability/events.js';
import { includesScope } from '../protocol/scope.js';
import type { ClientRecord, TokenFamilyRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { selectAudience } from './audience.js';
import type { GrantDependencies, TokenResponse } from './grant.js';
import { issueTokens, mintRefreshToken } from './issue-tokens.js';

/** What the person granted, as the redeemed code recorded it. */
export interface PersonGrant {
  readonly client: ClientRecord;
  readonly userId: string;
  readonly sessionId: string;
  readonly authTime: number;
  readonly scope: string;
  readonly resources: readonly string[];
  readonly apiScope: string;
  readonly nonce: string | null;
  /** Hash of the code the family is issued from (authorization or device code), so a replay can find it. */
  readonly codeHash: string;
}

/**
 * Issues the family's first tokens for the requested `resource` and stores the family, refresh token and session
 * participation in `store` (the caller's transaction). Throwing (a resource not granted) rolls the redemption back.
 */
export async function issueFamily(
  deps: Pick<GrantDependencies, 'keyRing' | 'config'>,
  store: Store,
  grant: PersonGrant,
  /**
   * The `resource` asked for, the thumbprint of the request's DPoP key when it carried a proof (RFC 9449 §5), and
   * where the request came from: the family's first context.
   */
  request: { readonly resource: string | undefined; readonly dpopJkt: string | undefined; readonly origin: EventContext },
  now: number,
): Promise<{ readonly response: TokenResponse; readonly family: TokenFamilyRecord }> {
  const { client } = grant;
  const audience = await selectAudience({ store, config: deps.config }, grant, request.resource);
  const family: TokenFamilyRecord = {
    familyId: randomUUID(),
    clientId: client.clientId,
    userId: grant.userId,
    scope: grant.scope,
    sessionId: grant.sessionId,
    authTime: grant.authTime,
    authorizationCodeHash: grant.codeHash,
    resources: grant.resources,
    apiScope: grant.apiScope,
    // RFC 9449 §5: a public client's refresh tokens are bound to its DPoP key; a confidential client's are bound to
    // the client by its authentication, so need no key binding.
    dpopJkt: client.clientType === 'public' ? request.dpopJkt ?? null : null,
    createdAt: now,
    expiresAt: now + deps.config.tokens.refreshTokenAbsoluteTtl,
    revokedAt: null,
    revokedReason: null,
    context: contextOf(request.origin, deps.config.anomalies),
  };
  // Refresh tokens only when the client may use the refresh grant AND the person granted offline_access
  // (OpenID Connect Core §11): a client's registration alone never keeps access alive beyond what was consented.
  const withRefreshToken = client.grantTypes.includes('refresh_token') && includesScope(grant.scope, 'offline_access');
  const refreshToken = withRefreshToken ? mintRefreshToken(family, deps.config.tokens, now) : undefined;
  const response = issueTokens(deps, {
    family,
    scope: grant.scope,
    audience,
    nonce: grant.nonce,
    refreshToken: refreshToken?.value,
    idTokenSignedResponseAlg: client.idTokenSignedResponseAlg,
    dpopJkt: request.dpopJkt,
    now,
  });
  // Every redemption creates a family, refresh token or not: its id in the access token lets a replay revoke it.
  await store.refreshTokens.createFamily(family);
  if (refreshToken !== undefined) await store.refreshTokens.create(refreshToken.record);
  // Back-Channel Logout §2.5: a client that got tokens in this session is told when the session ends.
  await store.backChannelLogout.recordParticipant(grant.sessionId, client.clientId, now);
  // The account page shows when each connected application last got tokens.
  await store.consents.recordUse(grant.userId, client.clientId, now);
  return { response, family };
}
