// The audience of an access token (RFC 8707 §2.2): one of the granted APIs, or the issuer itself for userinfo.
import { allowedScopes, findAccess } from '../apis/access.js';
import { scopesGrantedAt } from '../apis/consent-scope.js';
import type { Config } from '../config/schema.js';
import { InvalidTarget } from '../errors/oauth-errors.js';
import { checkResourceIndicator } from '../protocol/resource-indicators.js';
import { parseScope } from '../protocol/scope.js';
import type { ClientApiAccess, ClientRecord } from '../store/records.js';
import type { Store } from '../store/store.js';

/** Who an access token is for, with what it may carry there. */
export interface AccessTokenAudience {
  /** The API's identifier, or undefined for the issuer itself (userinfo). */
  readonly identifier: string | undefined;
  /** The access token's scope: only what applies to that audience. */
  readonly scope: string;
  readonly ttl: number;
}

export interface AudienceDependencies {
  readonly store: Pick<Store, 'apis'>;
  readonly config: Pick<Config, 'issuer'> & { readonly tokens: Pick<Config['tokens'], 'accessTokenTtl'> };
}

/**
 * The one `resource` of a token request, if any. RFC 8707 §2.2 lets a token request name several, but an access token
 * here has exactly one audience, so several are refused with invalid_target.
 */
export function requestedResource(resources: readonly string[]): string | undefined {
  if (resources.length > 1) throw new InvalidTarget({ description: 'Request one resource per access token.' });
  const [resource] = resources;
  return resource === undefined ? undefined : checkResourceIndicator(resource);
}

/** The token for an API: the granted scopes the client may still use there, for the API's lifetime. */
export function apiAudience(deps: AudienceDependencies, access: ClientApiAccess, grantedScope: string): AccessTokenAudience {
  const usable = new Set(allowedScopes(access));
  return {
    identifier: access.api.identifier,
    scope: parseScope(grantedScope).filter((scope) => usable.has(scope)).join(' '),
    ttl: access.api.accessTokenTtl ?? deps.config.tokens.accessTokenTtl,
  };
}

/** A user's grant as a token request sees it: its (possibly narrowed) scope, its resources and its per-API scopes. */
export interface UserGrant {
  readonly client: ClientRecord;
  readonly scope: string;
  readonly resources: readonly string[];
  /** The API scopes granted, each as `<identifier>#<scope>` (see src/apis/consent-scope.ts). */
  readonly apiScope: string;
}

/**
 * The audience of a token issued from a user's grant. With `resource`, it must be one of the granted resources
 * (RFC 8707 §2.2), or the issuer itself; without, the grant's only resource when it has exactly one, else the issuer.
 * A token for the issuer (userinfo) carries only the client's own (OpenID) scopes.
 * @throws InvalidTarget for a resource not granted, or no longer allowed to the client.
 */
export async function selectAudience(deps: AudienceDependencies, grant: UserGrant, resource: string | undefined): Promise<AccessTokenAudience> {
  const chosen = resource ?? (grant.resources.length === 1 ? grant.resources[0] : undefined);
  // Every grant covers Gatehouse's own userinfo: naming the issuer asks for that token beside the grant's API.
  if (chosen === undefined || chosen === deps.config.issuer) {
    const own = new Set(parseScope(grant.client.scope));
    const scope = parseScope(grant.scope).filter((token) => own.has(token)).join(' ');
    return { identifier: undefined, scope, ttl: deps.config.tokens.accessTokenTtl };
  }
  // RFC 8707 §2.2: the resource must be one the grant covers.
  if (!grant.resources.includes(chosen)) throw new InvalidTarget({ cause: new Error('resource not granted') });
  // The API (or the client's access to it) may have been removed since the grant.
  const access = findAccess(await deps.store.apis.listForClient(grant.client.clientId), chosen);
  // Only what was granted at this very API: a scope the client was allowed here since carries nothing the person never
  // consented to, and apiAudience then drops what is no longer allowed.
  const granted = scopesGrantedAt(grant.apiScope, chosen);
  return apiAudience(deps, access, parseScope(grant.scope).filter((scope) => granted.has(scope)).join(' '));
}
