// Step `discovery`: the issuer's OpenID Provider Metadata, checked for what the rest of the probe relies on.
import { ProbeFailure } from './probe-failure.js';
import type { ProbeHttp } from './probe-http.js';

export interface IssuerMetadata {
  readonly issuer: string;
  readonly authorizationEndpoint: URL;
  readonly tokenEndpoint: URL;
  readonly jwksUri: URL;
  readonly userinfoEndpoint: URL;
  readonly revocationEndpoint: URL;
  readonly idTokenSigningAlgorithms: readonly string[];
  /** RFC 9207 §3: the issuer promises `iss` in every authorization response. */
  readonly issParameterSupported: boolean;
}

/** OpenID Connect Discovery §4.1: the issuer, without a trailing slash, then the well-known path. */
export function discoveryUrl(issuer: string): URL {
  return new URL(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
}

export async function discover(http: ProbeHttp, issuer: string, signal: AbortSignal): Promise<IssuerMetadata> {
  const url = discoveryUrl(issuer);
  const document = await http.jsonObject(await http.send(url, { headers: { accept: 'application/json' } }, signal), 'discovery', signal);
  // OpenID Connect Discovery §4.3: the document names exactly the issuer it was fetched for.
  if (document.issuer !== issuer) throw new ProbeFailure('discovery names another issuer than --issuer');
  const endpoint = (name: string) => endpointOf(document, name, issuer);
  const list = (name: string) => stringsOf(document, name);
  // OpenID Connect Discovery §3: what every provider must publish; RFC 7636 S256 and RFC 7009 revocation the probe uses.
  if (!list('response_types_supported').includes('code')) throw new ProbeFailure('discovery: response_types_supported lacks "code"');
  if (list('subject_types_supported').length === 0) throw new ProbeFailure('discovery: subject_types_supported is missing');
  if (!list('code_challenge_methods_supported').includes('S256')) throw new ProbeFailure('discovery: code_challenge_methods_supported lacks "S256"');
  const idTokenSigningAlgorithms = list('id_token_signing_alg_values_supported');
  if (idTokenSigningAlgorithms.length === 0) throw new ProbeFailure('discovery: id_token_signing_alg_values_supported is missing');
  return {
    issuer,
    authorizationEndpoint: endpoint('authorization_endpoint'),
    tokenEndpoint: endpoint('token_endpoint'),
    jwksUri: endpoint('jwks_uri'),
    userinfoEndpoint: endpoint('userinfo_endpoint'),
    revocationEndpoint: endpoint('revocation_endpoint'),
    idTokenSigningAlgorithms,
    issParameterSupported: document.authorization_response_iss_parameter_supported === true,
  };
}

/** An absolute URL; https unless the issuer itself is plain http (a loopback dev issuer). */
function endpointOf(document: Record<string, unknown>, name: string, issuer: string): URL {
  const value = document[name];
  if (typeof value !== 'string' || !URL.canParse(value)) throw new ProbeFailure(`discovery: ${name} is missing or not a URL`);
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== new URL(issuer).protocol) throw new ProbeFailure(`discovery: ${name} is not https`);
  return url;
}

function stringsOf(document: Record<string, unknown>, name: string): string[] {
  const value = document[name];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
