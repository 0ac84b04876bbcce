// createAccessTokenVerifier: the resource server's one entry point, for JWT access tokens or introspection.
import { readAccessToken, type PresentedToken, type RequestLike } from './bearer.js';
import { dpopBindingCheck, type DpopOptions } from './dpop.js';
import { issuerMetadataLoader } from './discovery.js';
import { ResourceServerError } from './errors.js';
import { introspectingVerifier, type IntrospectionOptions } from './introspection.js';
import { jwtAccessTokenVerifier, TokenRejected } from './jwt-access-token.js';
import type { Principal } from './principal.js';

export interface AccessTokenVerifierOptions {
  /** The issuer identifier, exactly as in its tokens' `iss` and its metadata. */
  readonly issuer: string;
  /** The identifier (or identifiers) of this API: a token must name one of them in `aud`. */
  readonly audience: string | readonly string[];
  /** Seconds of clock skew tolerated for `exp`, `nbf` and `iat`; default 30. */
  readonly clockTolerance?: number;
  /** Default: `jwks_uri` from the issuer's metadata (RFC 8414). */
  readonly jwksUri?: string;
  /** Ask the issuer about every token (cached briefly) instead of verifying it locally; see RFC 7662. */
  readonly introspection?: IntrospectionOptions;
  /** Accept DPoP-bound tokens (RFC 9449) with a proof of each request; without it such tokens are refused. */
  readonly dpop?: DpopOptions;
  /** The realm named in `WWW-Authenticate` challenges; omitted when not set. */
  readonly realm?: string;
  /** Milliseconds since the epoch; default `Date.now`. For tests. */
  readonly now?: () => number;
}

export interface VerifyOptions {
  /** Scopes the token must all have; a token lacking one gets 403 `insufficient_scope`. */
  readonly requiredScopes?: readonly string[];
}

export interface AccessTokenVerifier {
  /**
   * The principal of a bearer token. A DPoP-bound token is refused here: its proof needs the request (`authenticate`).
   * @throws ResourceServerError for a refused token; any other error means the issuer could not be reached.
   */
  verify(token: string, options?: VerifyOptions): Promise<Principal>;
  /**
   * Reads the access token of `request` (RFC 6750 §2.1, or the DPoP scheme of RFC 9449 §7.1 with its `DPoP` proof
   * header) and verifies both. @throws ResourceServerError
   */
  authenticate(request: RequestLike, options?: VerifyOptions): Promise<Principal>;
}

export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const { issuer, audience, realm, introspection } = options;
  const check = { issuer, audience, clockTolerance: options.clockTolerance ?? 30, now: options.now ?? Date.now };
  const metadata = issuerMetadataLoader(issuer);
  const fromMetadata = (name: 'jwks_uri' | 'introspection_endpoint', configured: string | undefined) => async () => {
    const url = configured ?? (await metadata())[name];
    if (url === undefined) throw new Error(`the issuer's metadata has no ${name}`);
    return url;
  };
  const checkToken =
    introspection === undefined
      ? jwtAccessTokenVerifier(fromMetadata('jwks_uri', options.jwksUri), check)
      : introspectingVerifier(introspection, fromMetadata('introspection_endpoint', introspection.endpoint), check);

  const checkBinding = dpopBindingCheck(options.dpop, realm, check.now);
  const verifyPresented = async (presented: PresentedToken, request: RequestLike | undefined, verifyOptions: VerifyOptions): Promise<Principal> => {
    let principal: Principal;
    try {
      principal = await checkToken(presented.token);
    } catch (error) {
      if (error instanceof TokenRejected) throw new ResourceServerError('invalid_token', 'The access token is invalid or has expired.', { realm, cause: error });
      throw error;
    }
    await checkBinding(principal, presented, request);
    const required = verifyOptions.requiredScopes ?? [];
    // RFC 6750 §3.1: a valid token without the needed scope is 403, naming the scope the request needs.
    if (!required.every((scope) => principal.scopes.includes(scope))) {
      throw new ResourceServerError('insufficient_scope', 'The access token lacks a scope this request needs.', { realm, scope: required.join(' ') });
    }
    return principal;
  };
  return {
    verify: (token, verifyOptions = {}) => verifyPresented({ token, scheme: 'Bearer' }, undefined, verifyOptions),
    // Async, so a missing or malformed token rejects the promise like any other refusal.
    authenticate: async (request, verifyOptions = {}) => verifyPresented(readAccessToken(request, realm), request, verifyOptions),
  };
}
