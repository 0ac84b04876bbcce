// The RFC 7591 §3.2.1 view of a client: what `clients create --json`, `show` and an admin API print.
import type { JsonWebKeySet } from '../store/records.js';
import type { ClientView } from './registration.js';

export interface ClientRegistrationResponse {
  readonly client_id: string;
  /** Present only in the response that created or rotated it. */
  readonly client_secret?: string;
  /** RFC 7591 §3.2.1: required with a secret; 0 means it does not expire. */
  readonly client_secret_expires_at?: 0;
  readonly client_id_issued_at: number;
  readonly client_name: string;
  readonly redirect_uris: readonly string[];
  readonly post_logout_redirect_uris: readonly string[];
  readonly grant_types: readonly string[];
  readonly response_types: readonly string[];
  readonly token_endpoint_auth_method: string;
  readonly scope: string;
  /** OpenID Connect Registration §2. */
  readonly id_token_signed_response_alg: string;
  /** RFC 7591 §2: the public keys of a private_key_jwt client, or where they are published; absent otherwise. */
  readonly jwks?: JsonWebKeySet;
  readonly jwks_uri?: string;
  /** Back-Channel Logout §2.2, only when registered; the session is always sent (`sid`). */
  readonly backchannel_logout_uri?: string;
  readonly backchannel_logout_session_required?: true;
  /** RFC 9126 §6. */
  readonly require_pushed_authorization_requests: boolean;
  /** RFC 9449 §5.2: every token request must carry a DPoP proof. */
  readonly dpop_bound_access_tokens: boolean;
  /** Gatehouse extensions. */
  readonly client_type: string;
  readonly first_party: boolean;
  readonly updated_at: number;
}

export function toRegistrationResponse(client: ClientView, clientSecret: string | null = null): ClientRegistrationResponse {
  const secret = clientSecret === null ? {} : { client_secret: clientSecret, client_secret_expires_at: 0 as const };
  return {
    client_id: client.clientId,
    ...secret,
    client_id_issued_at: client.createdAt,
    client_name: client.clientName,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    grant_types: client.grantTypes,
    // Only the code flow exists here (SECURITY.md: response_type=code only); RFC 7591 §2.1: a client that never uses the
    // authorization endpoint (client credentials, device code) has no response type.
    response_types: client.grantTypes.includes('authorization_code') ? ['code'] : [],
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    scope: client.scope,
    id_token_signed_response_alg: client.idTokenSignedResponseAlg,
    ...(client.jwks === null ? {} : { jwks: client.jwks }),
    ...(client.jwksUri === null ? {} : { jwks_uri: client.jwksUri }),
    ...(client.backchannelLogoutUri === null ? {} : { backchannel_logout_uri: client.backchannelLogoutUri, backchannel_logout_session_required: true as const }),
    require_pushed_authorization_requests: client.requirePushedAuthorizationRequests,
    dpop_bound_access_tokens: client.dpopBoundAccessTokens,
    client_type: client.clientType,
    first_party: client.firstParty,
    updated_at: client.updatedAt,
  };
}
