// The URI and key parts of the client metadata policy: redirect URIs, the back-channel logout URI, jwks and jwks_uri.
import { checkJwkSet, checkJwksUri, InvalidJwkSet, MAX_JWKS_BYTES } from './jwk-set.js';
import { validateRedirectUri } from './redirect-uri.js';
import type { ClientRecord, TokenEndpointAuthMethod } from '../store/records.js';

/** Records one broken rule of a field (and the list item, when the field is a list) and lets the checks go on. */
export type ReportProblem = (field: string, message: string, index?: number) => void;

type ClientKeys = Pick<ClientRecord, 'jwks' | 'jwksUri'>;

/** Each URI checked against the redirect URI policy (redirect-uri.ts); duplicates dropped. */
export function checkRedirectUris(field: string, uris: readonly string[], report: ReportProblem): readonly string[] {
  uris.forEach((uri, index) => {
    const check = validateRedirectUri(uri);
    if (!check.ok) report(field, `${check.reason} (got ${JSON.stringify(uri)})`, index);
  });
  return [...new Set(uris)];
}

/**
 * Back-Channel Logout §2.2: an absolute URL without a fragment. Gatehouse POSTs to it from the server, so only https,
 * or http on a loopback host for development, as for redirect URIs (RFC 8252 §7.3).
 */
export function checkBackchannelLogoutUri(uri: string | null, report: ReportProblem): string | null {
  if (uri === null) return null;
  const field = 'backchannel_logout_uri';
  const check = validateRedirectUri(uri);
  if (!check.ok) report(field, `${check.reason.replace('redirect URI', 'back-channel logout URI')} (got ${JSON.stringify(uri)})`);
  else if (!/^https?:\/\//i.test(uri)) report(field, `must be an https URL (or http on a loopback host) (got ${JSON.stringify(uri)})`);
  return uri;
}

/** RFC 7591 §2: `jwks` or `jwks_uri`, never both; required by private_key_jwt (RFC 7523 §2.2), meaningless otherwise. */
export function checkClientKeys(method: TokenEndpointAuthMethod, jwks: unknown, jwksUri: string | null | undefined, report: ReportProblem): ClientKeys {
  const hasJwks = jwks !== undefined && jwks !== null;
  const hasJwksUri = jwksUri !== undefined && jwksUri !== null;
  const none = { jwks: null, jwksUri: null };
  if (method !== 'private_key_jwt') {
    if (hasJwks || hasJwksUri) report(hasJwks ? 'jwks' : 'jwks_uri', `only a private_key_jwt client has keys; this one uses ${method}`);
    return none;
  }
  if (hasJwks && hasJwksUri) report('jwks', 'give jwks or jwks_uri, not both (RFC 7591 §2)');
  else if (!hasJwks && !hasJwksUri) report('jwks', 'private_key_jwt needs the client public keys: give jwks or jwks_uri');
  else {
    try {
      if (hasJwksUri) return { jwks: null, jwksUri: checkJwksUri(jwksUri) };
      if (JSON.stringify(jwks).length > MAX_JWKS_BYTES) throw new InvalidJwkSet(`must be at most ${MAX_JWKS_BYTES} bytes of JSON`);
      return { jwks: checkJwkSet(jwks), jwksUri: null };
    } catch (error) {
      if (!(error instanceof InvalidJwkSet)) throw error;
      report(hasJwks ? 'jwks' : 'jwks_uri', error.message);
    }
  }
  return none;
}
