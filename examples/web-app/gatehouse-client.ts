// Everything the web app asks of Gatehouse, through openid-client with its default settings: sign-in (authorization
// code + PKCE, state and nonce), the user's name from userinfo, access tokens for the Notes API, and sign-out.
import * as client from 'openid-client';
import type { WebAppSettings } from './settings.js';
import type { ApiToken, SignedIn, SigningIn } from './sessions.js';

/** `offline_access` for a refresh token (OpenID Connect Core §11), `notes:read` at the Notes API. */
const SCOPE = 'openid profile offline_access notes:read';

/** The refresh token no longer works: the person removed the app's access, or Gatehouse ended the grant. */
export class AccessRemoved extends Error {
  override readonly name = 'AccessRemoved';
}

/** Reads Gatehouse's metadata (OpenID Connect Discovery) once, at start. */
export function discoverGatehouse(settings: WebAppSettings): Promise<client.Configuration> {
  // openid-client refuses plain http; a dev-mode Gatehouse on loopback is the one place it is fine.
  const insecure = new URL(settings.issuer).protocol === 'http:' ? [client.allowInsecureRequests] : [];
  // openid-client skips the signature check of an ID token from the token endpoint (OpenID Connect Core §3.1.3.7
  // step 6 allows it over TLS); this turns it on, against Gatehouse's JWKS, so it holds over plain http too.
  const execute = [...insecure, client.enableNonRepudiationChecks];
  // Gatehouse authenticates a client by its registered method: client_secret_basic unless registered otherwise.
  return client.discovery(new URL(settings.issuer), settings.clientId, undefined, client.ClientSecretBasic(settings.clientSecret), { execute });
}

/** A fresh authorization request: the URL to send the browser to, and what to keep until it comes back. */
export async function startSignIn(config: client.Configuration, settings: WebAppSettings): Promise<{ url: URL; pending: SigningIn }> {
  const pending: SigningIn = { kind: 'signing-in', codeVerifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce() };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: `${settings.publicUrl}/callback`,
    scope: SCOPE,
    // RFC 7636: S256 PKCE; the verifier never leaves this server until the code exchange.
    code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
    // RFC 8707: the grant names the Notes API, so refreshes can ask for tokens meant for it.
    resource: settings.notesApiIdentifier,
  });
  return { url, pending };
}

/**
 * Redeems the code of `callbackUrl` (checking state, iss, PKCE and the ID token's nonce) and reads the person's name
 * from userinfo. @throws client.AuthorizationResponseError (e.g. access_denied), client.ResponseBodyError, client.ClientError
 */
export async function completeSignIn(config: client.Configuration, settings: WebAppSettings, pending: SigningIn, callbackUrl: URL, formToken: string): Promise<SignedIn> {
  const checks = { pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true };
  // The first access token is for userinfo (its audience the issuer); the Notes API's tokens come from refreshes.
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, checks, { resource: settings.issuer });
  const claims = tokens.claims();
  if (claims === undefined || tokens.id_token === undefined) throw new client.ClientError('the token response has no ID token');
  if (tokens.refresh_token === undefined) throw new client.ClientError('the token response has no refresh token: was offline_access granted?');
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  return {
    kind: 'signed-in',
    subject: claims.sub,
    name: userinfo.name ?? userinfo.preferred_username ?? claims.sub,
    sessionId: typeof claims.sid === 'string' ? claims.sid : undefined,
    idToken: tokens.id_token,
    refreshToken: tokens.refresh_token,
    apiToken: undefined,
    refreshing: undefined,
    formToken,
  };
}

const nowInSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * An access token for the Notes API: the one held while it has a few seconds left (or until `renew` says it was
 * refused), else a new one from the refresh token. @throws AccessRemoved when the refresh token is refused (invalid_grant)
 */
export async function notesApiToken(config: client.Configuration, settings: WebAppSettings, session: SignedIn, renew = false): Promise<ApiToken> {
  const held = session.apiToken;
  if (!renew && held !== undefined && held.expiresAt - 5 > nowInSeconds()) return held;
  // One refresh per session at a time: the refresh token rotates, and a second use of the old one ends the grant.
  session.refreshing ??= refreshNotesApiToken(config, settings, session).finally(() => (session.refreshing = undefined));
  return session.refreshing;
}

async function refreshNotesApiToken(config: client.Configuration, settings: WebAppSettings, session: SignedIn): Promise<ApiToken> {
  let tokens: Awaited<ReturnType<typeof client.refreshTokenGrant>>;
  try {
    tokens = await client.refreshTokenGrant(config, session.refreshToken, { resource: settings.notesApiIdentifier });
  } catch (error) {
    // RFC 6749 §5.2: invalid_grant means the refresh token is revoked, expired or unknown: only a new sign-in helps.
    if (error instanceof client.ResponseBodyError && error.error === 'invalid_grant') throw new AccessRemoved('the refresh token was refused', { cause: error });
    throw error;
  }
  // Gatehouse rotates refresh tokens: the one just used is spent.
  if (tokens.refresh_token !== undefined) session.refreshToken = tokens.refresh_token;
  if (tokens.id_token !== undefined) session.idToken = tokens.id_token;
  session.apiToken = { value: tokens.access_token, expiresAt: nowInSeconds() + (tokens.expires_in ?? 60) };
  return session.apiToken;
}

/** RFC 7009 §2.1: revokes the session's refresh token, and with it the grant. @throws client errors, TypeError (network) */
export async function revokeRefreshToken(config: client.Configuration, session: SignedIn): Promise<void> {
  // A refresh in flight would rotate the token after it is read here: let it finish first.
  await session.refreshing?.catch(() => undefined);
  await client.tokenRevocation(config, session.refreshToken, { token_type_hint: 'refresh_token' });
}

/** RP-Initiated Logout 1.0 §2: where to send the browser so Gatehouse ends its session too, then returns here. */
export function signOutUrl(config: client.Configuration, settings: WebAppSettings, session: SignedIn): URL {
  return client.buildEndSessionUrl(config, { id_token_hint: session.idToken, post_logout_redirect_uri: `${settings.publicUrl}/signed-out` });
}
