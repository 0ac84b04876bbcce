// Client metadata policy: validates and normalises what a client may be registered with (RFC 7591 §2).
import { parseScope, SCOPE_TOKEN } from '../protocol/scope.js';
import { DEVICE_CODE_GRANT_TYPE, SIGNING_ALGORITHMS, type ClientRecord, type ClientType, type GrantType, type SigningAlgorithm, type TokenEndpointAuthMethod } from '../store/records.js';
import { InvalidClientMetadata } from './errors.js';
import { checkJwkSet, checkJwksUri, InvalidJwkSet, MAX_JWKS_BYTES } from './jwk-set.js';
import { validateRedirectUri } from './redirect-uri.js';

/** Metadata as an operator or API caller gives it: loosely typed, every field optional until validated. */
export interface ClientMetadataInput {
  readonly clientName?: string | undefined;
  readonly clientType?: string | undefined;
  readonly tokenEndpointAuthMethod?: string | undefined;
  readonly redirectUris?: readonly string[] | undefined;
  readonly postLogoutRedirectUris?: readonly string[] | undefined;
  readonly grantTypes?: readonly string[] | undefined;
  readonly scope?: string | undefined;
  readonly firstParty?: boolean | undefined;
  readonly idTokenSignedResponseAlg?: string | undefined;
  /** RFC 7591 §2 `jwks`: a JWK Set document (parsed JSON); null or undefined for none. */
  readonly jwks?: unknown;
  readonly jwksUri?: string | null | undefined;
  /** Back-Channel Logout §2.2; null clears it. */
  readonly backchannelLogoutUri?: string | null | undefined;
  /** RFC 9126 §6: its authorization requests must be pushed to /par first (default false). */
  readonly requirePushedAuthorizationRequests?: boolean | undefined;
  /** RFC 9449 §5.2 `dpop_bound_access_tokens`; default false. */
  readonly dpopBoundAccessTokens?: boolean | undefined;
}

export type ClientMetadata = Pick<
  ClientRecord,
  | 'clientName'
  | 'clientType'
  | 'tokenEndpointAuthMethod'
  | 'redirectUris'
  | 'postLogoutRedirectUris'
  | 'grantTypes'
  | 'scope'
  | 'firstParty'
  | 'idTokenSignedResponseAlg'
  | 'jwks'
  | 'jwksUri'
  | 'backchannelLogoutUri'
  | 'requirePushedAuthorizationRequests'
  | 'dpopBoundAccessTokens'
>;

const MAX_CLIENT_NAME_LENGTH = 200;
const BASE_SCOPE = ['openid', 'profile', 'email'];
const SUPPORTED_GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials', DEVICE_CODE_GRANT_TYPE];
const CONFIDENTIAL_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

/** Grant types people ask for that Gatehouse deliberately does not offer, with the reason. */
const REFUSED_GRANT_TYPES: Readonly<Record<string, string>> = {
  implicit: 'the implicit grant is not supported: it was removed in OAuth 2.1 (use authorization_code with PKCE)',
  password: 'the password grant is not supported: it was removed in OAuth 2.1 (use authorization_code with PKCE)',
};

/**
 * Validates metadata and fills the defaults: a confidential client with `client_secret_basic`,
 * grant types `authorization_code` (RFC 7591 §2 default) and scope `openid profile email`, plus
 * `offline_access` when `refresh_token` is granted, since OpenID Connect issues refresh tokens for it; ID tokens
 * signed with RS256 (OpenID Connect Registration §2). A client registered only for `client_credentials` is
 * confidential and has no redirect URIs (RFC 7591 §2: they are for redirect-based flows); so has one registered only
 * for the device code grant (RFC 8628), which may be public.
 * @throws InvalidClientMetadata naming the first field that breaks the policy.
 */
export function validateClientMetadata(input: ClientMetadataInput): ClientMetadata {
  const clientName = checkClientName(input.clientName);
  const { clientType, tokenEndpointAuthMethod } = checkClientAuthentication(input.clientType, input.tokenEndpointAuthMethod);
  const grantTypes = checkGrantTypes(input.grantTypes ?? ['authorization_code']);
  // RFC 6749 §4.4: client credentials need a client that can keep a secret.
  if (grantTypes.includes('client_credentials') && clientType !== 'confidential') {
    throw new InvalidClientMetadata('grant_types', 'client_credentials requires a confidential client');
  }
  const redirectUris = checkRedirectUris('redirect_uris', input.redirectUris ?? []);
  const redirected = grantTypes.includes('authorization_code');
  if (redirected && redirectUris.length === 0) throw new InvalidClientMetadata('redirect_uris', 'at least one redirect URI is required');
  // RFC 7591 §2: redirect URIs serve redirect-based flows only; a client without one must not carry any.
  if (!redirected && redirectUris.length > 0) throw new InvalidClientMetadata('redirect_uris', 'only a client registered for authorization_code has redirect URIs');
  const postLogoutRedirectUris = checkRedirectUris('post_logout_redirect_uris', input.postLogoutRedirectUris ?? []);
  const defaultScope = grantTypes.includes('refresh_token') ? [...BASE_SCOPE, 'offline_access'] : BASE_SCOPE;
  const scope = input.scope === undefined ? defaultScope.join(' ') : checkScope(input.scope);
  const idTokenSignedResponseAlg = checkIdTokenSigningAlgorithm(input.idTokenSignedResponseAlg);
  const firstParty = input.firstParty ?? false;
  const { jwks, jwksUri } = checkClientKeys(tokenEndpointAuthMethod, input.jwks, input.jwksUri);
  const backchannelLogoutUri = checkBackchannelLogoutUri(input.backchannelLogoutUri ?? null);
  const requirePushedAuthorizationRequests = input.requirePushedAuthorizationRequests ?? false;
  return {
    clientName, clientType, tokenEndpointAuthMethod, redirectUris, postLogoutRedirectUris, grantTypes, scope, firstParty, idTokenSignedResponseAlg,
    jwks, jwksUri, backchannelLogoutUri, requirePushedAuthorizationRequests,
    dpopBoundAccessTokens: input.dpopBoundAccessTokens ?? false,
  };
}

function checkClientName(name: string | undefined): string {
  const trimmed = name?.trim() ?? '';
  if (trimmed === '') throw new InvalidClientMetadata('client_name', 'a client name is required');
  if (trimmed.length > MAX_CLIENT_NAME_LENGTH) throw new InvalidClientMetadata('client_name', `must be at most ${MAX_CLIENT_NAME_LENGTH} characters`);
  // The name is shown on the consent page; control characters could disguise it.
  if (/\p{Cc}/u.test(trimmed)) throw new InvalidClientMetadata('client_name', 'must not contain control characters');
  return trimmed;
}

function checkClientAuthentication(
  type: string | undefined,
  method: string | undefined,
): Pick<ClientMetadata, 'clientType' | 'tokenEndpointAuthMethod'> {
  if (type !== undefined && type !== 'confidential' && type !== 'public') {
    throw new InvalidClientMetadata('client_type', `expected confidential or public, got "${type}"`);
  }
  const clientType: ClientType = type ?? (method === 'none' ? 'public' : 'confidential');
  if (clientType === 'public') {
    // RFC 6749 §2.1: a public client cannot keep a secret, so it does not authenticate.
    if (method !== undefined && method !== 'none') {
      throw new InvalidClientMetadata('token_endpoint_auth_method', `a public client must use "none", got "${method}"`);
    }
    return { clientType, tokenEndpointAuthMethod: 'none' };
  }
  if (method === undefined) return { clientType, tokenEndpointAuthMethod: 'client_secret_basic' };
  if (!(CONFIDENTIAL_AUTH_METHODS as readonly string[]).includes(method)) {
    throw new InvalidClientMetadata(
      'token_endpoint_auth_method',
      `a confidential client must use client_secret_basic, client_secret_post or private_key_jwt, got "${method}"`,
    );
  }
  return { clientType, tokenEndpointAuthMethod: method as TokenEndpointAuthMethod };
}

/** RFC 7591 §2: `jwks` or `jwks_uri`, never both; required by private_key_jwt (RFC 7523 §2.2), meaningless otherwise. */
function checkClientKeys(method: TokenEndpointAuthMethod, jwks: unknown, jwksUri: string | null | undefined): Pick<ClientMetadata, 'jwks' | 'jwksUri'> {
  const hasJwks = jwks !== undefined && jwks !== null;
  const hasJwksUri = jwksUri !== undefined && jwksUri !== null;
  if (method !== 'private_key_jwt') {
    if (hasJwks || hasJwksUri) throw new InvalidClientMetadata(hasJwks ? 'jwks' : 'jwks_uri', `only a private_key_jwt client has keys; this one uses ${method}`);
    return { jwks: null, jwksUri: null };
  }
  if (hasJwks && hasJwksUri) throw new InvalidClientMetadata('jwks', 'give jwks or jwks_uri, not both (RFC 7591 §2)');
  if (!hasJwks && !hasJwksUri) throw new InvalidClientMetadata('jwks', 'private_key_jwt needs the client public keys: give jwks or jwks_uri');
  const field = hasJwks ? 'jwks' : 'jwks_uri';
  try {
    if (hasJwksUri) return { jwks: null, jwksUri: checkJwksUri(jwksUri) };
    if (JSON.stringify(jwks).length > MAX_JWKS_BYTES) throw new InvalidJwkSet(`must be at most ${MAX_JWKS_BYTES} bytes of JSON`);
    return { jwks: checkJwkSet(jwks), jwksUri: null };
  } catch (error) {
    if (error instanceof InvalidJwkSet) throw new InvalidClientMetadata(field, error.message);
    throw error;
  }
}

function checkRedirectUris(field: string, uris: readonly string[]): readonly string[] {
  for (const uri of uris) {
    const check = validateRedirectUri(uri);
    if (!check.ok) throw new InvalidClientMetadata(field, `${check.reason} (got ${JSON.stringify(uri)})`);
  }
  return [...new Set(uris)];
}

/**
 * Back-Channel Logout §2.2: an absolute URL without a fragment. Gatehouse POSTs to it from the server, so only https,
 * or http on a loopback host for development, as for redirect URIs (RFC 8252 §7.3).
 */
function checkBackchannelLogoutUri(uri: string | null): string | null {
  if (uri === null) return null;
  const field = 'backchannel_logout_uri';
  const check = validateRedirectUri(uri);
  if (!check.ok) throw new InvalidClientMetadata(field, `${check.reason.replace('redirect URI', 'back-channel logout URI')} (got ${JSON.stringify(uri)})`);
  if (!/^https?:\/\//i.test(uri)) throw new InvalidClientMetadata(field, `must be an https URL (or http on a loopback host) (got ${JSON.stringify(uri)})`);
  return uri;
}

function checkGrantTypes(requested: readonly string[]): readonly GrantType[] {
  if (requested.length === 0) throw new InvalidClientMetadata('grant_types', 'at least one grant type is required');
  for (const grantType of requested) {
    const refusal = REFUSED_GRANT_TYPES[grantType];
    if (refusal !== undefined) throw new InvalidClientMetadata('grant_types', refusal);
    if (!(SUPPORTED_GRANT_TYPES as readonly string[]).includes(grantType)) {
      throw new InvalidClientMetadata('grant_types', `unknown grant type "${grantType}" (expected ${SUPPORTED_GRANT_TYPES.join(', ')})`);
    }
  }
  // Refresh tokens come from a person's grant: an authorization code or (RFC 8628) a device code exchange.
  const personGrant = requested.includes('authorization_code') || requested.includes(DEVICE_CODE_GRANT_TYPE);
  if (requested.includes('refresh_token') && !personGrant) {
    throw new InvalidClientMetadata('grant_types', `refresh_token requires authorization_code or ${DEVICE_CODE_GRANT_TYPE}: refresh tokens are issued from a code exchange`);
  }
  if (!personGrant && !requested.includes('client_credentials')) {
    throw new InvalidClientMetadata('grant_types', `authorization_code, client_credentials or ${DEVICE_CODE_GRANT_TYPE} is required`);
  }
  return SUPPORTED_GRANT_TYPES.filter((grantType) => requested.includes(grantType));
}

function checkIdTokenSigningAlgorithm(alg: string | undefined): SigningAlgorithm {
  // OpenID Connect Registration §2: id_token_signed_response_alg defaults to RS256.
  if (alg === undefined) return 'RS256';
  const field = 'id_token_signed_response_alg';
  // SECURITY.md: ID tokens are always signed, so `none` (which Registration §2 would allow) is refused.
  if (alg === 'none') throw new InvalidClientMetadata(field, 'unsigned ID tokens ("none") are not offered');
  if (!(SIGNING_ALGORITHMS as readonly string[]).includes(alg)) {
    throw new InvalidClientMetadata(field, `expected one of ${SIGNING_ALGORITHMS.join(', ')}, got "${alg}"`);
  }
  return alg as SigningAlgorithm;
}

function checkScope(scope: string): string {
  // RFC 6749 §3.3: scope is a list of space-delimited, case-sensitive scope tokens.
  const tokens = parseScope(scope);
  if (tokens.length === 0) throw new InvalidClientMetadata('scope', 'at least one scope is required');
  const invalid = tokens.find((token) => !SCOPE_TOKEN.test(token));
  if (invalid !== undefined) {
    throw new InvalidClientMetadata('scope', `${JSON.stringify(invalid)} is not a valid scope token (RFC 6749 §3.3)`);
  }
  return tokens.join(' ');
}
