// Picks the grant module by grant_type and feeds discovery, so only grants that exist are advertised.
import { TOKEN_ENDPOINT_AUTH_METHODS } from '../clients/authenticate.js';
import { CLIENT_ASSERTION_ALGORITHMS } from '../clients/jwk-set.js';
import type { ServerMetadata } from '../discovery/server-metadata.js';
import { InvalidDpopProof, InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from '../errors/oauth-errors.js';
import type { GrantType } from '../store/records.js';
import type { Grant, GrantDependencies, TokenRequest, TokenResponse } from './grant.js';

export class GrantRegistry {
  private readonly grants: ReadonlyMap<string, Grant>;
  /** The errors a grant threw itself, as opposed to the checks before it (client, form, DPoP proof, registration). */
  private readonly grantRefusals = new WeakSet<object>();

  /** Registers `grants` and contributes the token endpoint's metadata (RFC 8414 §2). */
  constructor(
    grants: readonly Grant[],
    private readonly deps: Pick<GrantDependencies, 'clock'>,
    metadata: ServerMetadata,
    tokenEndpointPath: string,
  ) {
    this.grants = new Map(grants.map((grant) => [grant.grantType, grant]));
    metadata.contribute({
      token_endpoint: metadata.endpointUrl(tokenEndpointPath),
      grant_types_supported: [...this.grants.keys()],
      token_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS,
      // RFC 8414 §2: the algorithms private_key_jwt assertions may be signed with.
      token_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGORITHMS,
    });
  }

  /** The `grant_type` values served. */
  grantTypes(): readonly string[] {
    return [...this.grants.keys()];
  }

  /** @throws InvalidRequest without grant_type, UnsupportedGrantType, UnauthorizedClient, or the grant's own errors. */
  async exchange(request: TokenRequest): Promise<TokenResponse> {
    const grantType = request.parameters.get('grant_type');
    if (grantType === undefined) throw new InvalidRequest({ description: 'The grant_type parameter is missing.' });
    const grant = this.grants.get(grantType);
    // RFC 6749 §5.2: a grant type the server does not support.
    if (grant === undefined) throw new UnsupportedGrantType();
    // RFC 6749 §5.2: a grant type the client is not registered for.
    if (!request.client.grantTypes.includes(grantType as GrantType)) {
      throw new UnauthorizedClient({ cause: new Error(`client not registered for ${grantType}`) });
    }
    // RFC 9449 §5.2: a client registered with dpop_bound_access_tokens gets no token without a DPoP proof.
    if (request.client.dpopBoundAccessTokens && request.dpop === undefined) {
      throw new InvalidDpopProof({ description: 'This client must send a DPoP proof with every token request.', cause: new Error('dpop_bound_access_tokens client without DPoP') });
    }
    try {
      return await grant.exchange(request, this.deps.clock());
    } catch (error) {
      if (typeof error === 'object' && error !== null) this.grantRefusals.add(error);
      throw error;
    }
  }

  /** Whether `error` was thrown by a grant's own checks (its code, refresh token or device code), not before them. */
  refusedByGrant(error: unknown): boolean {
    return typeof error === 'object' && error !== null && this.grantRefusals.has(error);
  }
}
