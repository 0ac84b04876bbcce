// The only place errors become responses: one renderer per channel (RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3, pages).
import { OAuthError, ServerError } from '../errors/oauth-errors.js';
import { renderErrorPage } from '../ui/error-page.js';
import { renderAuthorizationResponse, type AuthorizationTarget } from './authorization-response.js';
import type { FlowReply } from './flow.js';
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

/** RFC 6750 §3: auth-param values are quoted-strings; our descriptions are fixed text without quotes or backslashes. */
function bearerChallenge(error: OAuthError): string {
  if (error.noTokenPresented) return `Bearer realm="${REALM}"`;
  return `Bearer realm="${REALM}", error="${error.code}", error_description="${error.description}"`;
}

/** HTML for a person: a fixed title and the error's fixed description, never a request value. */
function renderPageError(error: OAuthError, requestId?: string): RenderedResponse {
  const title = error.status >= 500 ? 'Something went wrong' : 'This request cannot be completed';
  return withRetryAfter(error, pageResponse(renderErrorPage({ title, message: error.description, requestId }), error.status));
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
  bearer: (error) => ({
    status: error.status >= 500 ? error.status : error.code === 'invalid_request' ? 400 : error.status,
    headers: { ...JSON_NO_STORE, 'www-authenticate': bearerChallenge(error) },
    body: errorBody(error),
  }),

  // Pages a person sees (login, consent, interaction errors).
  page: renderPageError,

  // Without a validated redirect target (see renderAuthorizationError) an authorization error is a page.
  authorize: renderPageError,
};

export function renderError(channel: ErrorChannel, error: OAuthError, requestId?: string): RenderedResponse {
  return renderers[channel](error, requestId);
}

/**
 * The authorize channel once the redirect target may be known: RFC 6749 §4.1.2.1, an error goes to the redirect URI
 * (with state and iss) only when client and redirect URI were validated; otherwise the person sees a page.
 */
export function renderAuthorizationError(error: OAuthError, target: AuthorizationTarget | undefined, requestId?: string): RenderedResponse {
  if (target === undefined || !error.redirectable) return renderPageError(error, requestId);
  return renderAuthorizationResponse(target, { error: error.code, error_description: error.description });
}

/** A flow's answer to an error on the authorize channel: to the redirect URI when the target is known, else a page. */
export function failure(thrown: unknown, target: AuthorizationTarget | undefined, requestId: string, cookies: readonly string[] = []): FlowReply {
  const error = toOAuthError(thrown);
  return { ...renderAuthorizationError(error, target, requestId), cookies, error };
}
