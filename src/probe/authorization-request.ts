// The authorization request the probe makes (PKCE S256, state, nonce) and step `redirect`: the answer at the client.
import { createHash, randomBytes } from 'node:crypto';
import type { IssuerMetadata } from './discovery.js';
import { errorCodeOf, ProbeFailure } from './probe-failure.js';
import type { ProbeSettings } from './probe-settings.js';

export interface AuthorizationRequest {
  readonly url: URL;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

/** RFC 7636 §4.1-4.2: a 256-bit verifier and its S256 challenge; state and nonce as unguessable. */
export function buildAuthorizationRequest(metadata: IssuerMetadata, settings: ProbeSettings): AuthorizationRequest {
  const state = randomBytes(16).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const codeVerifier = randomBytes(32).toString('base64url');
  const url = new URL(metadata.authorizationEndpoint);
  const parameters = {
    response_type: 'code',
    client_id: settings.client.clientId,
    redirect_uri: settings.client.redirectUri,
    scope: settings.scope,
    state,
    nonce,
    code_challenge: createHash('sha256').update(codeVerifier, 'ascii').digest('base64url'),
    code_challenge_method: 'S256',
  };
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  return { url, state, nonce, codeVerifier };
}

/** Whether `location` sends the browser to the client's redirect URI (its query aside), where the probe stops. */
export function isRedirectTo(location: URL, redirectUri: string): boolean {
  const target = new URL(redirectUri);
  return location.origin === target.origin && location.pathname === target.pathname;
}

/**
 * Step `redirect`: the authorization response at the redirect URI carries the code, the state sent (RFC 6749 §4.1.2)
 * and the issuer (RFC 9207 §2.4); an error response names its code. @returns the authorization code
 */
export function readAuthorizationResponse(location: URL, request: AuthorizationRequest, metadata: IssuerMetadata): string {
  const parameters = location.searchParams;
  const error = parameters.get('error');
  if (error !== null) throw new ProbeFailure(`the authorization response is an error: ${errorCodeOf({ error })}`);
  // RFC 6749 §10.12: a state other than the one sent means the response is not this request's.
  if (parameters.get('state') !== request.state) throw new ProbeFailure('the state in the authorization response is not the one sent');
  const iss = parameters.get('iss');
  // RFC 9207 §2.4: when present, or promised by discovery, iss must be the issuer.
  if ((iss !== null || metadata.issParameterSupported) && iss !== metadata.issuer) throw new ProbeFailure('the iss in the authorization response is not the issuer');
  const code = parameters.get('code');
  if (code === null || code === '') throw new ProbeFailure('the authorization response carries no code');
  return code;
}
