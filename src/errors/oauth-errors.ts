// The typed OAuth error hierarchy: one class per RFC error code, each with a fixed safe description.

/**
 * The error codes Gatehouse answers with: RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1, OpenID Connect Core §3.1.2.6,
 * RFC 8707 §2 (`invalid_target`), RFC 8628 §3.5 (`authorization_pending`, `slow_down`, `expired_token`), RFC 9449 §5 and §8 (`invalid_dpop_proof`, `use_dpop_nonce`), plus `not_found` and `method_not_allowed` for plain HTTP errors on the JSON api channel.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'authorization_pending'
  | 'slow_down'
  | 'expired_token'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'invalid_request_uri'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'not_found'
  | 'method_not_allowed';

/**
 * Why a request was refused, in one fixed word, for metrics and the dashboard (never shown): which check failed at
 * /authorize (`client`, `redirect_uri`, `pkce`, `scope`), and what was wrong with a presented code or refresh token.
 */
export type RefusalReason = 'client' | 'redirect_uri' | 'pkce' | 'scope' | 'expired' | 'revoked' | 'reused' | 'unknown' | 'wrong_client' | 'dpop';

export interface OAuthErrorOptions {
  /** The fixed word saying which check refused the request, where the thrower knows it. */
  readonly reason?: RefusalReason;
  /** Internal detail: logged under the request id, never shown. */
  readonly cause?: unknown;
  /** Overrides the fixed description; must never contain request values. */
  readonly description?: string;
  /** The client tried HTTP Basic, so invalid_client is answered with a Basic challenge (RFC 6749 §5.2). */
  readonly basicAuthAttempted?: boolean;
  /** No bearer token was presented at all, so the challenge names no error code (RFC 6750 §3.1). */
  readonly noTokenPresented?: boolean;
  /** Seconds after which a retry may succeed, sent as `Retry-After` (RFC 9110 §10.2.3) with a 503. */
  readonly retryAfter?: number;
  /** RFC 9449 §7.1: at a protected resource, the challenge uses the DPoP scheme and names these proof algorithms. */
  readonly dpopAlgorithms?: readonly string[];
}

export abstract class OAuthError extends Error {
  abstract readonly code: OAuthErrorCode;
  abstract readonly status: number;
  /** Whether this error may be sent to the redirect URI (only after client and redirect URI are validated). */
  readonly redirectable: boolean = true;

  readonly basicAuthAttempted: boolean;
  readonly noTokenPresented: boolean;
  readonly retryAfter: number | undefined;
  readonly dpopAlgorithms: readonly string[] | undefined;
  readonly reason: RefusalReason | undefined;

  constructor(readonly description: string, options: OAuthErrorOptions = {}) {
    super(options.description ?? description, { cause: options.cause });
    this.description = options.description ?? description;
    this.basicAuthAttempted = options.basicAuthAttempted ?? false;
    this.noTokenPresented = options.noTokenPresented ?? false;
    this.retryAfter = options.retryAfter;
    this.dpopAlgorithms = options.dpopAlgorithms;
    this.reason = options.reason;
  }
}

function defineError(code: OAuthErrorCode, status: number, description: string, redirectable = true) {
  return class extends OAuthError {
    override readonly code = code;
    override readonly status = status;
    override readonly redirectable = redirectable;
    constructor(options: OAuthErrorOptions = {}) {
      // A refusal answers the request; it is no defect, and nobody reads where it was thrown. Capturing its stack was
      // most of what a shed 503 cost under overload. A server_error keeps its stack: it is logged to be found.
      const stackTraceLimit = Error.stackTraceLimit;
      if (code !== 'server_error') Error.stackTraceLimit = 0;
      super(description, options);
      Error.stackTraceLimit = stackTraceLimit;
      this.name = code;
    }
  };
}

// RFC 6749 §4.1.2.1 and §5.2
export class InvalidRequest extends defineError('invalid_request', 400, 'The request is missing a parameter, repeats one, or has one in the wrong form.') {}
export class InvalidClient extends defineError('invalid_client', 401, 'Client authentication failed.', false) {
  /** The registered client the refused credentials named (wrong secret or method), for metrics only: never rendered. */
  readonly registeredClientId: string | null;

  constructor(options: OAuthErrorOptions & { readonly registeredClientId?: string } = {}) {
    super(options);
    this.registeredClientId = options.registeredClientId ?? null;
  }
}
export class InvalidGrant extends defineError('invalid_grant', 400, 'The grant is invalid, expired, revoked, or was issued to another client.') {}
export class UnauthorizedClient extends defineError('unauthorized_client', 400, 'The client is not allowed to use this grant or response type.') {}
export class UnsupportedGrantType extends defineError('unsupported_grant_type', 400, 'The grant type is not supported.') {}
export class UnsupportedResponseType extends defineError('unsupported_response_type', 400, 'Only response_type=code is supported.') {}
export class InvalidScope extends defineError('invalid_scope', 400, 'The requested scope is invalid, unknown, or not allowed for this client.') {}
export class AccessDenied extends defineError('access_denied', 403, 'The request was denied.') {}
export class ServerError extends defineError('server_error', 500, 'The server met an unexpected condition.') {}
export class TemporarilyUnavailable extends defineError('temporarily_unavailable', 503, 'The server is temporarily unable to handle the request.') {}
// RFC 8707 §2: a resource indicator that is malformed, unknown, or not allowed to the client.
export class InvalidTarget extends defineError('invalid_target', 400, 'The requested resource is invalid, unknown, or not allowed for this client.') {}
// RFC 8628 §3.5: the device token request's own errors; the person's Deny is access_denied at the token endpoint (400).
export class AuthorizationPending extends defineError('authorization_pending', 400, 'The person has not yet approved or denied the request; keep polling.') {}
export class SlowDown extends defineError('slow_down', 400, 'Polling too fast: wait 5 seconds longer between requests from now on.') {}
export class ExpiredToken extends defineError('expired_token', 400, 'The device code has expired; start a new device authorization.') {}
export class DeviceAccessDenied extends defineError('access_denied', 400, 'The person denied the request.') {}
// RFC 9449 §5 and §7.1: a DPoP proof that is missing, malformed, replayed or does not match; §8: the server's nonce is needed.
export class InvalidDpopProof extends defineError('invalid_dpop_proof', 400, 'The DPoP proof is missing, invalid, replayed, or does not match the request or key.') {}
export class UseDpopNonce extends defineError('use_dpop_nonce', 400, 'The DPoP proof must carry the nonce this server provides in the DPoP-Nonce header.') {}
// OpenID Connect Core §3.1.2.6
export class LoginRequired extends defineError('login_required', 400, 'The user must log in.') {}
export class ConsentRequired extends defineError('consent_required', 400, 'The user must consent.') {}
export class InteractionRequired extends defineError('interaction_required', 400, 'The user must interact with the authorization server.') {}
// RFC 6750 §3.1
export class InvalidToken extends defineError('invalid_token', 401, 'The access token is missing, malformed, expired or revoked.', false) {}
export class InsufficientScope extends defineError('insufficient_scope', 403, 'The access token does not carry the required scope.', false) {}
// An authorization request that cannot be answered at a redirect URI: its client or redirect URI cannot be trusted yet,
// or its state could not be sent back (SECURITY.md (authorization endpoint)). Shown to the person as a page.
export class InvalidClientRequest extends defineError('invalid_request', 400, 'The client_id is missing, unknown, or the redirect_uri does not match a registered one.', false) {}
// Plain HTTP errors for non-OAuth routes, rendered by the same renderers.
export class NotFound extends defineError('not_found', 404, 'No such resource.', false) {}
export class MethodNotAllowed extends defineError('method_not_allowed', 405, 'This method is not allowed here.', false) {}
export class PayloadTooLarge extends defineError('invalid_request', 413, 'The request body is too large.', false) {}
export class UnsupportedMediaType extends defineError('invalid_request', 415, 'The request content type is not supported here.', false) {}
// OpenID Connect Core §6: request objects are not supported.
export class RequestNotSupported extends defineError('request_not_supported', 400, 'The request parameter is not supported.') {}
export class RequestUriNotSupported extends defineError('request_uri_not_supported', 400, 'The request_uri parameter is not supported.') {}
// OpenID Connect Core §3.1.2.6, RFC 9126 §4: a request_uri that is unknown, expired, used, or another client's. Its
// redirect URI is inside the pushed request, which cannot be trusted or read, so the person sees a page.
export class InvalidRequestUri extends defineError('invalid_request_uri', 400, 'The request_uri is unknown, expired, already used, or was pushed by another client.', false) {}
// Login and consent steps: shown to the person as a page, never sent to a redirect URI.
export class InvalidInteraction extends defineError(
  'invalid_request',
  400,
  'This sign-in request has expired, was already used, or was started in another browser. Go back to the application and start again.',
  false,
) {}
export class InvalidCsrfToken extends defineError('invalid_request', 403, 'This form could not be verified. Go back to the application and start again.', false) {}
// RP-Initiated Logout §2: a logout request that cannot be trusted is shown to the person, never redirected.
export class InvalidLogoutRequest extends defineError('invalid_request', 400, 'This sign-out request cannot be accepted. Go back to the application and try again.', false) {}
