// Relying parties built on two standard client libraries, configured only through discovery and what they registered.
import { decodeProtectedHeader } from 'jose';
import * as openidClient from 'openid-client';
import * as oauth from 'oauth4webapi';

/** What a relying party learned at the end of a flow; every value was validated by the library itself. */
export interface FlowResult {
  readonly idTokenClaims: Readonly<Record<string, unknown>>;
  /** The `alg` header of the ID token of the code exchange, and of the refresh. */
  readonly idTokenAlg: unknown;
  readonly refreshedIdTokenAlg: unknown;
  readonly userinfo: Readonly<Record<string, unknown>>;
  readonly scope: string | undefined;
  readonly refreshToken: string;
  readonly refreshedAccessToken: string;
  readonly refreshedRefreshToken: string;
  readonly refreshedIdTokenSub: string | undefined;
}

export interface RelyingPartyLibrary {
  readonly name: string;
  /** A fresh authorization URL (PKCE S256, state, nonce), remembering the secrets for the callback. */
  authorizationUrl(extra?: Readonly<Record<string, string>>): Promise<URL>;
  /** Validates the callback, redeems the code, validates the ID token, calls userinfo and refreshes. */
  complete(callbackUrl: URL): Promise<FlowResult>;
}

export interface RelyingPartyClient {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly scope: string;
  /**
   * The client's registered `id_token_signed_response_alg`, given to the library as client metadata so it accepts
   * no other; unset, the library accepts the algorithms discovery lists (OpenID Connect Registration §2: RS256).
   */
  readonly idTokenSignedResponseAlg?: string;
  /** A private_key_jwt client's signing key: the library authenticates with its own PrivateKeyJwt helper instead of the secret. */
  readonly privateKey?: { readonly key: oauth.CryptoKey; readonly kid: string };
}

const algOf = (idToken: string | undefined): unknown => (idToken === undefined ? undefined : decodeProtectedHeader(idToken).alg);

interface Pending {
  readonly codeVerifier: string;
  readonly state: string;
  readonly nonce: string;
}

export async function openidClientLibrary(rp: RelyingPartyClient): Promise<RelyingPartyLibrary> {
  const metadata = rp.idTokenSignedResponseAlg === undefined ? undefined : { id_token_signed_response_alg: rp.idTokenSignedResponseAlg };
  // http issuers are refused by default; these tests run on loopback. ID tokens from the token endpoint are trusted
  // on TLS alone by default (OpenID Connect Core §3.1.3.7); the non-repudiation checks also verify their signature
  // against the JWKS from discovery, so the tests prove the published keys verify them.
  const clientAuth = rp.privateKey === undefined ? openidClient.ClientSecretBasic(rp.clientSecret) : openidClient.PrivateKeyJwt(rp.privateKey);
  const config = await openidClient.discovery(new URL(rp.issuer), rp.clientId, metadata, clientAuth, {
    execute: [openidClient.allowInsecureRequests, openidClient.enableNonRepudiationChecks],
  });
  let pending: Pending | undefined;
  return {
    name: 'openid-client',
    async authorizationUrl(extra = {}) {
      pending = { codeVerifier: openidClient.randomPKCECodeVerifier(), state: openidClient.randomState(), nonce: openidClient.randomNonce() };
      const codeChallenge = await openidClient.calculatePKCECodeChallenge(pending.codeVerifier);
      return openidClient.buildAuthorizationUrl(config, {
        redirect_uri: rp.redirectUri,
        scope: rp.scope,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
        ...extra,
      });
    },
    async complete(callbackUrl) {
      if (!pending) throw new Error('no flow was started');
      const tokens = await openidClient.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims || !tokens.refresh_token) throw new Error('expected an ID token and a refresh token');
      const userinfo = await openidClient.fetchUserInfo(config, tokens.access_token, claims.sub);
      const refreshed = await openidClient.refreshTokenGrant(config, tokens.refresh_token);
      return {
        idTokenClaims: claims,
        idTokenAlg: algOf(tokens.id_token),
        refreshedIdTokenAlg: algOf(refreshed.id_token),
        userinfo,
        scope: tokens.scope,
        refreshToken: tokens.refresh_token,
        refreshedAccessToken: refreshed.access_token,
        refreshedRefreshToken: refreshed.refresh_token ?? '',
        refreshedIdTokenSub: refreshed.claims()?.sub,
      };
    },
  };
}

export async function oauth4webapiLibrary(rp: RelyingPartyClient): Promise<RelyingPartyLibrary> {
  const insecure = { [oauth.allowInsecureRequests]: true };
  const issuer = new URL(rp.issuer);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
  const client: oauth.Client = {
    client_id: rp.clientId,
    ...(rp.idTokenSignedResponseAlg === undefined ? {} : { id_token_signed_response_alg: rp.idTokenSignedResponseAlg }),
  };
  const clientAuth = rp.privateKey === undefined ? oauth.ClientSecretBasic(rp.clientSecret) : oauth.PrivateKeyJwt(rp.privateKey);
  let pending: Pending | undefined;
  return {
    name: 'oauth4webapi',
    async authorizationUrl(extra = {}) {
      pending = { codeVerifier: oauth.generateRandomCodeVerifier(), state: oauth.generateRandomState(), nonce: oauth.generateRandomNonce() };
      const url = new URL(as.authorization_endpoint!);
      const parameters = {
        client_id: rp.clientId,
        redirect_uri: rp.redirectUri,
        response_type: 'code',
        scope: rp.scope,
        code_challenge: await oauth.calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
        ...extra,
      };
      for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
      return url;
    },
    async complete(callbackUrl) {
      if (!pending) throw new Error('no flow was started');
      const parameters = oauth.validateAuthResponse(as, client, callbackUrl, pending.state);
      const response = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, parameters, rp.redirectUri, pending.codeVerifier, insecure);
      const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: pending.nonce, requireIdToken: true });
      // The library checks the ID token's claims and alg but trusts TLS for its signature (OpenID Connect Core
      // §3.1.3.7) unless asked: this verifies it against the JWKS from discovery.
      await oauth.validateApplicationLevelSignature(as, response, insecure);
      const claims = oauth.getValidatedIdTokenClaims(tokens);
      if (!claims || !tokens.refresh_token) throw new Error('expected an ID token and a refresh token');
      const userinfoResponse = await oauth.userInfoRequest(as, client, tokens.access_token, insecure);
      const userinfo = await oauth.processUserInfoResponse(as, client, claims.sub, userinfoResponse);
      const refreshResponse = await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token, insecure);
      const refreshed = await oauth.processRefreshTokenResponse(as, client, refreshResponse);
      await oauth.validateApplicationLevelSignature(as, refreshResponse, insecure);
      return {
        idTokenClaims: claims,
        idTokenAlg: algOf(tokens.id_token),
        refreshedIdTokenAlg: algOf(refreshed.id_token),
        userinfo,
        scope: tokens.scope,
        refreshToken: tokens.refresh_token,
        refreshedAccessToken: refreshed.access_token,
        refreshedRefreshToken: refreshed.refresh_token ?? '',
        refreshedIdTokenSub: oauth.getValidatedIdTokenClaims(refreshed)?.sub,
      };
    },
  };
}
