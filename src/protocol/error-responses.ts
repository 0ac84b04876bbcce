// The only place errors become responses: one renderer per channel (RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3, pages).
import { InvalidClientRequest, InvalidInteraction, InvalidRequestUri, OAuthError, ServerError, TemporarilyUnavailable } from '../errors/oauth-errors.js';
import { renderErrorPage, SITUATION_WORDING, type ErrorSituation } from '../ui/error-page.js';
import { renderAuthorizationResponse, type AuthorizationTarget } from './authorization-response.js';
import type { FlowReply, KnownApplication } from './flow.js';
import { pageResponse, type RenderedResponse } from './rendered-response.js';

/** Where an error is going: each channel has its own wire format. */
export type ErrorChannel = 'api' | 'token' | 'bearer' | 'authorize' | 'page';

/** Anything that is not an OAuthError becomes a generic server_error; its cause is the caller's to log. */
export function toOAuthError(error: unknown): OAuthError {
  return error instanceof OAuthError ? error : new ServerError({ cause: error });
}

export const REALM = 'gatehouse';

const JSON_NO_STORE = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } as const;

const errorBody = (error: OAuthError): string => JSON.stringify({ error: error.code, error_description: error.description });

/**
 * RFC 6750 §3: auth-param values are quoted-strings; our descriptions are fixed text without quotes or backslashes.
 * RFC 9449 §7.1: an error about a DPoP-bound token or its proof uses the DPoP scheme and names the accepted algorithms.
 */
function bearerChallenge(error: OAuthError): string {
  const scheme = error.dpopAlgorithms === undefined ? 'Bearer' : `DPoP algs="${error.dpopAlgorithms.join(' ')}",`;
  if (error.noTokenPresented) return `${scheme} realm="${REALM}"`;
  return `${scheme} realm="${REALM}", error="${error.code}", error_description="${error.description}"`;
}

/** RFC 9449 §7.1: a refused proof at a protected resource is a 401, as a refused token is. */
function bearerStatus(error: OAuthError): number {
  if (error.status >= 500) return error.status;
  if (error.code === 'invalid_dpop_proof' || error.code === 'use_dpop_nonce') return 401;
  return error.code === 'invalid_request' ? 400 : error.status;
}

/** Which page a person sees for an error: the heading and plain words depend on what they can do about it. */
function situationOf(error: OAuthError): ErrorSituation {
  if (error instanceof TemporarilyUnavailable) return 'busy';
  if (error.status >= 500) return 'server';
  if (error instanceof InvalidClientRequest) return 'broken-link';
  if (error instanceof InvalidInteraction || error instanceof InvalidRequestUri) return 'expired';
  return 'refused';
}

/**
 * HTML for a person: fixed wording for the situation, a link back to the application's registered home when the client
 * is known, the request id, and the error's code and fixed description in small print; never a request value.
 */
function renderPageError(error: OAuthError, requestId?: string, application?: KnownApplication): RenderedResponse {
  const { title, message } = SITUATION_WORDING[situationOf(error)];
  const page = renderErrorPage({
    title,
    message: message ?? error.description,
    requestId,
    returnTo: application?.home === undefined ? undefined : { name: application.clientName, href: application.home },
    technical: { code: error.code, description: error.description },
  });
  return pageResponse(page, error.status);
}

/** RFC 9110 §10.2.3: a 503 may say when to come back. */
function withRetryAfter(error: OAuthError, rendered: RenderedResponse): RenderedResponse {
  if (error.retryAfter === undefined) return rendered;
  return { ...rendered, headers: { ...rendered.headers, 'retry-after': String(error.retryAfter) } };
}

const renderers: Record<ErrorChannel, (error: OAuthError, requestId?: string) => RenderedResponse> = {
  // JSON for admin, discovery and health routes: RFC 6749 §5.2 field names so clients parse one shape.
  api: (error) => ({ status: error.status, headers: JSON_NO_STORE, body: errorBody(error) }),

  // RFC 6749 §5.2: 400 with a JSON body, 401 for invalid_client (with a Basic challenge when Basic was tried).
  token: (error) => ({
    status: error.status,
    headers: {
      ...JSON_NO_STORE,
      pragma: 'no-cache',
      ...(error.code === 'invalid_client' && error.basicAuthAttempted ? { 'www-authenticate': `Basic realm="${REALM}"` } : {}),
    },
    body: errorBody(error),
  }),

  // RFC 6750 §3: the challenge carries the error; 401 for a missing or bad token, 403 for scope, 400 for a bad request.
  // A server-side failure is not about the token: RFC 6750 §3.1 has no code for it, so no challenge.
  bearer: (error) => ({
    status: bearerStatus(error),
    headers: error.status >= 500 ? JSON_NO_STORE : { ...JSON_NO_STORE, 'www-authenticate': bearerChallenge(error) },
    body: errorBody(error),
  }),

  // Pages a person sees (login, consent, interaction errors).
  page: (error, requestId) => renderPageError(error, requestId),

  // Without a validated redirect target (see renderAuthorizationError) an authorization error is a page.
  authorize: (error, requestId) => renderPageError(error, requestId),
};

export function renderError(channel: ErrorChannel, error: OAuthError, requestId?: string): RenderedResponse {
  return withRetryAfter(error, renderers[channel](error, requestId));
}

/**
 * The authorize channel once the redirect target may be known: RFC 6749 §4.1.2.1, an error goes to the redirect URI
 * (with state and iss) only when client and redirect URI were validated; otherwise the person sees a page, which
 * leads back to `application` when the client is known.
 */
export function renderAuthorizationError(
  error: OAuthError,
  target: AuthorizationTarget | undefined,
  requestId?: string,
  application?: KnownApplication,
): RenderedResponse {
  if (target === undefined || !error.redirectable) return withRetryAfter(error, renderPageError(error, requestId, application));
  return renderAuthorizationResponse(target, { error: error.code, error_description: error.description });
}

/** What a flow knows besides the error: cookies to set, and the client when known (for the page and the log). */
export interface FailureContext {
  readonly cookies?: readonly string[];
  readonly application?: KnownApplication | undefined;
}

/** A flow's answer to an error on the authorize channel: to the redirect URI when the target is known, else a page. */
export function failure(thrown: unknown, target: AuthorizationTarget | undefined, requestId: string, context: FailureContext = {}): FlowReply {
  const error = toOAuthError(thrown);
  const { cookies = [], application } = context;
  const subject = { clientId: application?.clientId, redirectUri: target?.redirectUri };
  return { ...renderAuthorizationError(error, target, requestId, application), cookies, error, subject };
}
