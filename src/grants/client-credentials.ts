// grant_type=client_credentials (RFC 6749 §4.4): a confidential client acting on its own behalf, for one of its APIs.
import { allowedScopes, findAccess } from '../apis/access.js';
import { InvalidScope, InvalidTarget, UnauthorizedClient } from '../errors/oauth-errors.js';
import { parseRequestedScope } from '../protocol/scope.js';
import type { ClientApiAccess } from '../store/records.js';
import { createClientAccessToken } from '../tokens/access-token.js';
import { apiAudience, requestedResource } from './audience.js';
import type { Grant, GrantDependencies, TokenRequest, TokenResponse } from './grant.js';
import { requireKey, tokenTypeOf } from './issue-tokens.js';

/**
 * The API the token is for: the one named by `resource` (RFC 8707 §2.2), or the client's only API when it names none.
 * @throws InvalidTarget for an API unknown or not allowed, or none named while the client has several (or none).
 */
function chooseApi(accessList: readonly ClientApiAccess[], resource: string | undefined): ClientApiAccess {
  if (resource !== undefined) return findAccess(accessList, resource);
  const [only, ...others] = accessList;
  if (only === undefined || others.length > 0) {
    throw new InvalidTarget({ description: 'Name the API the token is for with the resource parameter.', cause: new Error(`client has ${accessList.length} APIs`) });
  }
  return only;
}

/**
 * RFC 6749 §4.4.2 and §3.3: the requested scope, each token one the client may use at the API; without a scope, all
 * of those. @throws InvalidScope
 */
function checkScope(requested: string | undefined, usable: readonly string[]): string {
  if (requested === undefined) return usable.join(' ');
  const tokens = parseRequestedScope(requested);
  if (!tokens.every((token) => usable.includes(token))) throw new InvalidScope({ cause: new Error('a scope not allowed to the client at this API') });
  return tokens.join(' ');
}

export class ClientCredentialsGrant implements Grant {
  readonly grantType = 'client_credentials';

  constructor(private readonly deps: GrantDependencies) {}

  async exchange(request: TokenRequest, now: number): Promise<TokenResponse> {
    const { client } = request;
    // RFC 6749 §4.4: only a confidential client may use this grant (also refused at registration).
    if (client.clientType !== 'confidential') throw new UnauthorizedClient({ cause: new Error('public client asked for client_credentials') });
    const resource = requestedResource(request.resources);
    const access = chooseApi(await this.deps.store.apis.listForClient(client.clientId), resource);
    const scope = checkScope(request.parameters.get('scope'), allowedScopes(access));
    const audience = apiAudience(this.deps, access, scope);
    const alg = this.deps.config.keys.accessTokenAlgorithm;
    const key = requireKey(this.deps.keyRing.activeKey(alg), () => `keys.accessTokenAlgorithm ${alg} has no active signing key`);
    const accessToken = createClientAccessToken(
      { issuer: this.deps.config.issuer, clientId: client.clientId, scope: audience.scope, audience: access.api.identifier, dpopJkt: request.dpop?.jkt, now, ttl: audience.ttl },
      key,
    );
    this.deps.events.emit({ type: 'token.issued', clientId: client.clientId, grantType: this.grantType, audience: access.api.identifier }, request.origin);
    // RFC 6749 §4.4.3: no refresh token; no user, so no ID token either.
    return { access_token: accessToken, token_type: tokenTypeOf(request.dpop?.jkt), expires_in: audience.ttl, scope: audience.scope };
  }
}
