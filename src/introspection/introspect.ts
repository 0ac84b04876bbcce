// Token introspection (RFC 7662 §2): what an active token says, or `active: false` and nothing else.
import { TOKEN_ENDPOINT_AUTH_METHODS } from '../clients/authenticate.js';
import { InvalidClient } from '../errors/oauth-errors.js';
import type { ClientRecord, RefreshTokenRecord, UserRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { InspectedAccessToken } from '../tokens/access-token.js';
import { identifyToken, type PresentedToken, type PresentedTokenDependencies } from '../tokens/presented-token.js';
import { mayIntrospect, type IntrospectionSubject } from './may-introspect.js';

/** RFC 7662 §2.2: the members of an active answer Gatehouse fills; never a secret. */
export interface ActiveToken {
  readonly active: true;
  readonly scope: string;
  readonly client_id: string;
  readonly sub: string;
  readonly iss: string;
  readonly exp: number;
  readonly iat: number;
  readonly aud?: string | readonly string[];
  readonly jti?: string;
  /** RFC 9449 §6.2: `DPoP` and the key confirmation for a DPoP-bound token. */
  readonly token_type?: 'Bearer' | 'DPoP';
  readonly cnf?: { readonly jkt: string };
  readonly username?: string;
}

export type IntrospectionResponse = ActiveToken | { readonly active: false };

export interface IntrospectionDependencies extends PresentedTokenDependencies {
  readonly store: Pick<Store, 'refreshTokens' | 'users' | 'revokedAccessTokens' | 'apis' | 'clients'>;
  readonly issuer: string;
}

/** RFC 7662 §2.1: the endpoint requires client authentication, so a public client (method `none`) has no way in. */
export const INTROSPECTION_AUTH_METHODS = TOKEN_ENDPOINT_AUTH_METHODS.filter((method) => method !== 'none');

/** @throws InvalidClient (401) for a public client, which cannot authenticate. */
export function requireConfidentialClient(caller: ClientRecord): void {
  // RFC 7662 §2.1: to prevent token scanning, the caller must authenticate; a public client only names itself.
  if (caller.clientType === 'public') {
    throw new InvalidClient({
      description: 'Token introspection requires client authentication: a public client cannot introspect tokens.',
      cause: new Error('public client at the introspection endpoint'),
    });
  }
}

/** RFC 7662 §2.2: expired, revoked, unknown, malformed or not the caller's to see: this, and nothing more. */
const INACTIVE = { active: false } as const;

async function subjectOf(deps: IntrospectionDependencies, token: PresentedToken): Promise<IntrospectionSubject> {
  if (token.kind === 'refresh_token') return { clientId: token.record.clientId, audience: [], resourceServerClientIds: [] };
  const { clientId, audience } = token.claims;
  // RFC 8707: an access token's audience names the registered APIs it is for (or the issuer itself, for userinfo).
  const apis = await Promise.all(audience.filter((value) => value !== deps.issuer).map((identifier) => deps.store.apis.findByIdentifier(identifier)));
  return { clientId, audience, resourceServerClientIds: apis.flatMap((api) => api?.resourceServerClientIds ?? []) };
}

/** The user a token speaks for, while they exist and are enabled. */
async function liveUser(deps: IntrospectionDependencies, userId: string): Promise<UserRecord | undefined> {
  const user = await deps.store.users.findById(userId);
  return user === undefined || user.disabledAt !== null ? undefined : user;
}

async function describeAccessToken(deps: IntrospectionDependencies, claims: InspectedAccessToken, now: number): Promise<ActiveToken | undefined> {
  // RFC 7662 §2.2: a token past its `exp` is not active, though verifiers allow a little clock skew beyond it.
  if (now >= claims.expiresAt) return undefined;
  // RFC 7009 §2: a token its client revoked is inactive, though it has not expired.
  if (await deps.store.revokedAccessTokens.isRevoked(claims.tokenId)) return undefined;
  let username: string | undefined;
  // A user's token lives with its grant, as at userinfo; a client's own token (client credentials) has no grant.
  if (claims.familyId !== null) {
    const family = await deps.store.refreshTokens.findFamily(claims.familyId);
    if (family === undefined || family.revokedAt !== null) return undefined;
    const user = await liveUser(deps, claims.subject);
    if (user === undefined) return undefined;
    username = user.username;
  } else if ((await deps.store.clients.findById(claims.clientId)) === undefined) {
    // A client's own token (client credentials) ends with the client: deleting it revokes what it was issued.
    return undefined;
  }
  const [single] = claims.audience;
  return {
    active: true,
    scope: claims.scope,
    client_id: claims.clientId,
    sub: claims.subject,
    aud: claims.audience.length === 1 && single !== undefined ? single : claims.audience,
    iss: deps.issuer,
    exp: claims.expiresAt,
    iat: claims.issuedAt,
    jti: claims.tokenId,
    // RFC 9449 §6.2: a DPoP-bound token says so, with the thumbprint of its key.
    ...(claims.dpopJkt === null ? { token_type: 'Bearer' as const } : { token_type: 'DPoP' as const, cnf: { jkt: claims.dpopJkt } }),
    ...(username === undefined ? {} : { username }),
  };
}

async function describeRefreshToken(deps: IntrospectionDependencies, record: RefreshTokenRecord, now: number): Promise<ActiveToken | undefined> {
  // SECURITY.md (refresh tokens): a rotated token stops working at once; idle expiry.
  if (record.rotatedAt !== null || now >= record.expiresAt) return undefined;
  const family = await deps.store.refreshTokens.findFamily(record.familyId);
  // Revoked grant, or past its absolute lifetime.
  if (family === undefined || family.revokedAt !== null || now >= family.expiresAt) return undefined;
  const user = await liveUser(deps, family.userId);
  if (user === undefined) return undefined;
  return {
    active: true,
    scope: record.scope,
    client_id: record.clientId,
    sub: family.userId,
    iss: deps.issuer,
    exp: Math.min(record.expiresAt, family.expiresAt),
    iat: record.issuedAt,
    username: user.username,
  };
}

/** RFC 7662 §2.1-2.2: introspects `value` for `caller`; only a token the caller may see can be active. */
export async function introspectToken(deps: IntrospectionDependencies, caller: ClientRecord, value: string, now: number): Promise<IntrospectionResponse> {
  const token = await identifyToken(deps, value);
  // RFC 7662 §4: a token the caller may not see is inactive, so the answer reveals nothing about it.
  if (token === undefined || !mayIntrospect(caller, await subjectOf(deps, token))) return INACTIVE;
  const active = token.kind === 'access_token' ? await describeAccessToken(deps, token.claims, now) : await describeRefreshToken(deps, token.record, now);
  return active ?? INACTIVE;
}
