// Steps `token`, `userinfo`, `refresh` and `revocation`: the client's own requests, authenticated as it is registered.
import type { IssuerMetadata } from './discovery.js';
import { errorCodeOf, ProbeFailure } from './probe-failure.js';
import type { ProbeHttp } from './probe-http.js';
import type { ProbeClient } from './probe-settings.js';

export interface TokenSet {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  readonly idToken: string | undefined;
}

/** What the code exchange must give the later steps. */
export interface CodeTokens extends TokenSet {
  readonly refreshToken: string;
  readonly idToken: string;
}

/** RFC 6749 §2.3.1: id and secret form-urlencoded, joined by a colon, base64-encoded. */
function basicAuthorization(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

/** A form POST to the token or revocation endpoint with the client's registered authentication (RFC 6749 §2.3). */
function postAsClient(http: ProbeHttp, endpoint: URL, parameters: Record<string, string>, client: ProbeClient, signal: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const form = { ...parameters };
  if (client.authentication === 'client_secret_basic') headers.authorization = basicAuthorization(client.clientId, client.clientSecret ?? '');
  else form.client_id = client.clientId;
  if (client.authentication === 'client_secret_post') form.client_secret = client.clientSecret ?? '';
  return http.send(endpoint, { method: 'POST', headers, form }, signal);
}

/** RFC 6749 §5.1 success, or the §5.2 error code of a refusal. */
async function readTokenAnswer(http: ProbeHttp, response: Response, what: string, signal: AbortSignal): Promise<TokenSet> {
  const body = await http.json(response, 'the token endpoint', signal);
  if (response.status !== 200) throw new ProbeFailure(`the token endpoint refused ${what}: ${response.status} ${errorCodeOf(body)}`);
  const answer = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (name: string) => (typeof answer[name] === 'string' && answer[name] !== '' ? answer[name] : undefined);
  const accessToken = text('access_token');
  if (accessToken === undefined) throw new ProbeFailure(`the token endpoint answered ${what} without an access_token`);
  // RFC 6750: the probe presents bearer tokens; a DPoP-bound client needs proofs it does not make.
  if (text('token_type')?.toLowerCase() !== 'bearer') throw new ProbeFailure('the token_type is not Bearer (DPoP-bound clients cannot be probed)');
  return { accessToken, refreshToken: text('refresh_token'), idToken: text('id_token') };
}

/** Step `token`: RFC 6749 §4.1.3 with the RFC 7636 §4.5 code_verifier. */
export async function exchangeCode(
  http: ProbeHttp,
  metadata: IssuerMetadata,
  client: ProbeClient,
  grant: { readonly code: string; readonly codeVerifier: string },
  signal: AbortSignal,
): Promise<CodeTokens> {
  const parameters = { grant_type: 'authorization_code', code: grant.code, redirect_uri: client.redirectUri, code_verifier: grant.codeVerifier };
  const { accessToken, idToken, refreshToken } = await readTokenAnswer(http, await postAsClient(http, metadata.tokenEndpoint, parameters, client, signal), 'the code', signal);
  if (idToken === undefined) throw new ProbeFailure('no id_token in the token answer (does --scope include openid?)');
  if (refreshToken === undefined) throw new ProbeFailure('no refresh_token in the token answer (the client needs the refresh_token grant, --scope offline_access)');
  return { accessToken, idToken, refreshToken };
}

/** Step `userinfo`: OIDC Core §5.3 with the access token; the `sub` must be the ID token's (§5.3.2). */
export async function fetchUserInfo(http: ProbeHttp, metadata: IssuerMetadata, accessToken: string, subject: string, signal: AbortSignal): Promise<void> {
  const response = await http.send(metadata.userinfoEndpoint, { headers: { accept: 'application/json', authorization: `Bearer ${accessToken}` } }, signal);
  const claims = await http.jsonObject(response, 'the userinfo endpoint', signal);
  if (claims.sub !== subject) throw new ProbeFailure('the userinfo sub is not the ID token sub');
}

/** Step `refresh`: RFC 6749 §6; rotation (OAuth 2.1 §4.3.1) means a new refresh token, different from the one used. */
export async function refreshTokens(http: ProbeHttp, metadata: IssuerMetadata, client: ProbeClient, refreshToken: string, signal: AbortSignal): Promise<string> {
  const response = await postAsClient(http, metadata.tokenEndpoint, { grant_type: 'refresh_token', refresh_token: refreshToken }, client, signal);
  const tokens = await readTokenAnswer(http, response, 'the refresh token', signal);
  if (tokens.refreshToken === undefined) throw new ProbeFailure('the refresh answer carries no new refresh_token (no rotation)');
  if (tokens.refreshToken === refreshToken) throw new ProbeFailure('the refresh answer repeats the refresh token used (no rotation)');
  return tokens.refreshToken;
}

/** Step `revocation`: RFC 7009 §2.1, then the proof that it worked: the revoked refresh token is refused. */
export async function revokeRefreshToken(http: ProbeHttp, metadata: IssuerMetadata, client: ProbeClient, refreshToken: string, signal: AbortSignal): Promise<void> {
  const revoked = await postAsClient(http, metadata.revocationEndpoint, { token: refreshToken, token_type_hint: 'refresh_token' }, client, signal);
  // RFC 7009 §2.2: 200 whether or not the token was valid; anything else is a refusal.
  if (revoked.status !== 200) throw new ProbeFailure(`the revocation endpoint answered ${revoked.status} ${errorCodeOf(await http.json(revoked, 'the revocation endpoint', signal))}`);
  await revoked.body?.cancel();
  const retried = await postAsClient(http, metadata.tokenEndpoint, { grant_type: 'refresh_token', refresh_token: refreshToken }, client, signal);
  const body = await http.json(retried, 'the token endpoint', signal);
  if (retried.status === 200) throw new ProbeFailure('the revoked refresh token was still accepted');
  // RFC 6749 §5.2: a revoked grant is invalid_grant; any other refusal does not show the revocation took effect.
  if (errorCodeOf(body) !== 'invalid_grant') throw new ProbeFailure(`the revoked refresh token was refused with ${retried.status} ${errorCodeOf(body)}, not invalid_grant`);
}
