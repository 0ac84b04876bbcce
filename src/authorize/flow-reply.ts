// What the authorization, resume and consent flows answer with: a rendered response plus cookies, framework-neutral.
import type { OAuthError } from '../errors/oauth-errors.js';
import { renderAuthorizationError, toOAuthError } from '../errors/render.js';
import type { AuthorizationTarget, RenderedResponse } from './response.js';

export interface FlowReply extends RenderedResponse {
  /** Set-Cookie header values. */
  readonly cookies: readonly string[];
  /** The error this reply answers, so the HTTP layer can log it (its cause is logged, never shown). */
  readonly error?: OAuthError;
}

export function withCookies(rendered: RenderedResponse, cookies: readonly string[] = []): FlowReply {
  return { ...rendered, cookies };
}

/** A 303 to one of our own pages (login, consent): the next step is a GET whatever the method was. */
export function seeOther(location: string, cookies: readonly string[] = []): FlowReply {
  return { status: 303, headers: { location, 'cache-control': 'no-store' }, body: '', cookies };
}

/** An error as the authorize channel renders it: to the redirect URI when the target is known, else a page. */
export function failure(thrown: unknown, target: AuthorizationTarget | undefined, requestId: string, cookies: readonly string[] = []): FlowReply {
  const error = toOAuthError(thrown);
  return { ...renderAuthorizationError(error, target, requestId), cookies, error };
}

/** An interaction page URL under the issuer: `/login` or `/consent` with `?interaction=<id>`. */
export function interactionLocation(issuer: string, path: '/login' | '/consent', id: string): string {
  return `${issuer.replace(/\/$/, '')}${path}?interaction=${encodeURIComponent(id)}`;
}
