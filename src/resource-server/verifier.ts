// createAccessTokenVerifier: the resource server's one entry point, for JWT access tokens or introspection.
import { readBearerToken, type RequestLike } from './bearer.js';
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
   * The principal of a bearer token.
   * @throws ResourceServerError for a refused token; any other error means the issuer could not be reached.
   */
  verify(token: string, options?: VerifyOptions): Promise<Principal>;
  /** Reads the bearer token of `request` (RFC 6750 §2.1) and verifies it. @throws ResourceServerError */
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

  const verify = async (token: string, verifyOptions: VerifyOptions = {}): Promise<Principal> => {
    let principal: Principal;
    try {
      principal = await checkToken(token);
    } catch (error) {
      if (error instanceof TokenRejected) throw new ResourceServerError('invalid_token', 'The access token is invalid or has expired.', { realm, cause: error });
      throw error;
    }
    const required = verifyOptions.requiredScopes ?? [];
    // RFC 6750 §3.1: a valid token without the needed scope is 403, naming the scope the request needs.
    if (!required.every((scope) => principal.scopes.includes(scope))) {
      throw new ResourceServerError('insufficient_scope', 'The access token lacks a scope this request needs.', { realm, scope: required.join(' ') });
    }
    return principal;
  };
  // Async, so a missing or malformed token rejects the promise like any other refusal.
  return { verify, authenticate: async (request, verifyOptions) => verify(readBearerToken(request, realm), verifyOptions) };
}
