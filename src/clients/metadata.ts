// Client metadata policy: validates and normalises what a client may be registered with (RFC 7591 §2).
import { parseScope, SCOPE_TOKEN } from '../protocol/scope.js';
import { DEVICE_CODE_GRANT_TYPE, GRANT_TYPES, SIGNING_ALGORITHMS, type ClientRecord, type ClientType, type GrantType, type SigningAlgorithm, type TokenEndpointAuthMethod } from '../store/records.js';
import { InvalidClientMetadata, type MetadataProblem } from './errors.js';
import { checkBackchannelLogoutUri, checkClientKeys, checkRedirectUris, type ReportProblem } from './metadata-uris.js';

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
const CONFIDENTIAL_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

/** Grant types people ask for that Gatehouse deliberately does not offer, with the reason. */
const REFUSED_GRANT_TYPES: Readonly<Record<string, string>> = {
  implicit: 'the implicit grant is not supported: it was removed in OAuth 2.1 (use authorization_code with PKCE)',
  password: 'the password grant is not supported: it was removed in OAuth 2.1 (use authorization_code with PKCE)',
};

/** Every problem of some metadata, or the metadata when there is none. */
export type ClientMetadataCheck =
  | { readonly ok: true; readonly metadata: ClientMetadata }
  | { readonly ok: false; readonly problems: readonly MetadataProblem[] };

/**
 * Validates metadata and fills the defaults: a confidential client with `client_secret_basic`,
 * grant types `authorization_code` (RFC 7591 §2 default) and scope `openid profile email`, plus
 * `offline_access` when `refresh_token` is granted, since OpenID Connect issues refresh tokens for it; ID tokens
 * signed with RS256 (OpenID Connect Registration §2). A client registered only for `client_credentials` is
 * confidential and has no redirect URIs (RFC 7591 §2: they are for redirect-based flows); so has one registered only
 * for the device code grant (RFC 8628), which may be public.
 * @throws InvalidClientMetadata listing every rule the metadata breaks.
 */
export function validateClientMetadata(input: ClientMetadataInput): ClientMetadata {
  const check = checkClientMetadata(input);
  if (!check.ok) throw InvalidClientMetadata.listing(check.problems);
  return check.metadata;
}

/** The one registration policy, as `validateClientMetadata`, returning every problem instead of throwing. */
export function checkClientMetadata(input: ClientMetadataInput): ClientMetadataCheck {
  const problems: MetadataProblem[] = [];
  const report: ReportProblem = (field, message, index) => problems.push(index === undefined ? { field, message } : { field, index, message });
  const metadata = collectClientMetadata(input, report);
  return problems.length === 0 ? { ok: true, metadata } : { ok: false, problems };
}

/** The metadata with defaults filled; where a value is refused (reported), a stand-in keeps the other checks going. */
function collectClientMetadata(input: ClientMetadataInput, report: ReportProblem): ClientMetadata {
  const clientName = checkClientName(input.clientName, report);
  const { clientType, tokenEndpointAuthMethod, methodKnown } = checkClientAuthentication(input.clientType, input.tokenEndpointAuthMethod, report);
  const grantTypes = checkGrantTypes(input.grantTypes ?? ['authorization_code'], report);
  // RFC 6749 §4.4: client credentials need a client that can keep a secret.
  if (grantTypes?.includes('client_credentials') && clientType !== 'confidential') report('grant_types', 'client_credentials requires a confidential client');
  const redirectUris = checkRedirectUris('redirect_uris', input.redirectUris ?? [], report);
  if (grantTypes !== undefined) checkRedirectUrisNeeded(grantTypes, redirectUris, report);
  const postLogoutRedirectUris = checkRedirectUris('post_logout_redirect_uris', input.postLogoutRedirectUris ?? [], report);
  const defaultScope = grantTypes?.includes('refresh_token') ? [...BASE_SCOPE, 'offline_access'] : BASE_SCOPE;
  const scope = input.scope === undefined ? defaultScope.join(' ') : checkScope(input.scope, report);
  // An unknown method says nothing about which keys belong: the method's problem is the one to fix first.
  const keys = methodKnown ? checkClientKeys(tokenEndpointAuthMethod, input.jwks, input.jwksUri, report) : { jwks: null, jwksUri: null };
  return {
    clientName, clientType, tokenEndpointAuthMethod, redirectUris, postLogoutRedirectUris, grantTypes: grantTypes ?? [], scope,
    firstParty: input.firstParty ?? false,
    idTokenSignedResponseAlg: checkIdTokenSigningAlgorithm(input.idTokenSignedResponseAlg, report),
    ...keys,
    backchannelLogoutUri: checkBackchannelLogoutUri(input.backchannelLogoutUri ?? null, report),
    requirePushedAuthorizationRequests: input.requirePushedAuthorizationRequests ?? false,
    dpopBoundAccessTokens: input.dpopBoundAccessTokens ?? false,
  };
}

function checkRedirectUrisNeeded(grantTypes: readonly GrantType[], redirectUris: readonly string[], report: ReportProblem): void {
  const redirected = grantTypes.includes('authorization_code');
  if (redirected && redirectUris.length === 0) report('redirect_uris', 'at least one redirect URI is required');
  // RFC 7591 §2: redirect URIs serve redirect-based flows only; a client without one must not carry any.
  if (!redirected && redirectUris.length > 0) report('redirect_uris', 'only a client registered for authorization_code has redirect URIs');
}

function checkClientName(name: string | undefined, report: ReportProblem): string {
  const trimmed = name?.trim() ?? '';
  if (trimmed === '') report('client_name', 'a client name is required');
  else if (trimmed.length > MAX_CLIENT_NAME_LENGTH) report('client_name', `must be at most ${MAX_CLIENT_NAME_LENGTH} characters`);
  // The name is shown on the consent page; control characters could disguise it.
  else if (/\p{Cc}/u.test(trimmed)) report('client_name', 'must not contain control characters');
  return trimmed;
}

type ClientAuthentication = Pick<ClientMetadata, 'clientType' | 'tokenEndpointAuthMethod'> & { readonly methodKnown: boolean };

function checkClientAuthentication(type: string | undefined, method: string | undefined, report: ReportProblem): ClientAuthentication {
  let knownType = type;
  if (type !== undefined && type !== 'confidential' && type !== 'public') {
    report('client_type', `expected confidential or public, got "${type}"`);
    knownType = undefined;
  }
  const clientType: ClientType = knownType === 'public' || (knownType === undefined && method === 'none') ? 'public' : 'confidential';
  if (clientType === 'public') {
    // RFC 6749 §2.1: a public client cannot keep a secret, so it does not authenticate.
    if (method !== undefined && method !== 'none') report('token_endpoint_auth_method', `a public client must use "none", got "${method}"`);
    return { clientType, tokenEndpointAuthMethod: 'none', methodKnown: method === undefined || method === 'none' };
  }
  if (method === undefined) return { clientType, tokenEndpointAuthMethod: 'client_secret_basic', methodKnown: true };
  if (!(CONFIDENTIAL_AUTH_METHODS as readonly string[]).includes(method)) {
    report('token_endpoint_auth_method', `a confidential client must use client_secret_basic, client_secret_post or private_key_jwt, got "${method}"`);
    return { clientType, tokenEndpointAuthMethod: 'client_secret_basic', methodKnown: false };
  }
  return { clientType, tokenEndpointAuthMethod: method as TokenEndpointAuthMethod, methodKnown: true };
}

/** The supported grant types asked for, in a fixed order; undefined when the list breaks a rule (reported). */
function checkGrantTypes(requested: readonly string[], report: ReportProblem): readonly GrantType[] | undefined {
  if (requested.length === 0) {
    report('grant_types', 'at least one grant type is required');
    return undefined;
  }
  let known = true;
  requested.forEach((grantType, index) => {
    const refusal = REFUSED_GRANT_TYPES[grantType];
    const unknown = !(GRANT_TYPES as readonly string[]).includes(grantType);
    if (refusal !== undefined) report('grant_types', refusal, index);
    else if (unknown) report('grant_types', `unknown grant type "${grantType}" (expected ${GRANT_TYPES.join(', ')})`, index);
    if (unknown) known = false;
  });
  if (!known) return undefined;
  // Refresh tokens come from a person's grant: an authorization code or (RFC 8628) a device code exchange.
  const personGrant = requested.includes('authorization_code') || requested.includes(DEVICE_CODE_GRANT_TYPE);
  if (requested.includes('refresh_token') && !personGrant) {
    report('grant_types', `refresh_token requires authorization_code or ${DEVICE_CODE_GRANT_TYPE}: refresh tokens are issued from a code exchange`);
    return undefined;
  }
  if (!personGrant && !requested.includes('client_credentials')) {
    report('grant_types', `authorization_code, client_credentials or ${DEVICE_CODE_GRANT_TYPE} is required`);
    return undefined;
  }
  return GRANT_TYPES.filter((grantType) => requested.includes(grantType));
}

function checkIdTokenSigningAlgorithm(alg: string | undefined, report: ReportProblem): SigningAlgorithm {
  // OpenID Connect Registration §2: id_token_signed_response_alg defaults to RS256.
  if (alg === undefined) return 'RS256';
  const field = 'id_token_signed_response_alg';
  // SECURITY.md: ID tokens are always signed, so `none` (which Registration §2 would allow) is refused.
  if (alg === 'none') report(field, 'unsigned ID tokens ("none") are not offered');
  else if (!(SIGNING_ALGORITHMS as readonly string[]).includes(alg)) report(field, `expected one of ${SIGNING_ALGORITHMS.join(', ')}, got "${alg}"`);
  return alg as SigningAlgorithm;
}

function checkScope(scope: string, report: ReportProblem): string {
  // RFC 6749 §3.3: scope is a list of space-delimited, case-sensitive scope tokens.
  const tokens = parseScope(scope);
  if (tokens.length === 0) report('scope', 'at least one scope is required');
  const invalid = tokens.find((token) => !SCOPE_TOKEN.test(token));
  if (invalid !== undefined) report('scope', `${JSON.stringify(invalid)} is not a valid scope token (RFC 6749 §3.3)`);
  return tokens.join(' ');
}
