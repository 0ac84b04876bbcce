// What the person-facing flows (authorize, login, consent, logout) take from a request and answer with, framework-neutral.
import type { OAuthError } from '../errors/oauth-errors.js';
import type { EventContext } from '../observability/events.js';
import type { RequestCookies } from '../sessions/cookies.js';
import type { RenderedResponse } from './rendered-response.js';

/** What the flows need of the HTTP request besides its parameters. */
export interface RequestInfo {
  readonly cookies: RequestCookies;
  readonly requestId: string;
  readonly eventContext: EventContext;
}

export interface FlowReply extends RenderedResponse {
  /** Set-Cookie header values. */
  readonly cookies: readonly string[];
  /** The error this reply answers, so the HTTP layer can log it (its cause is logged, never shown). */
  readonly error?: OAuthError;
}

export function withCookies(rendered: RenderedResponse, cookies: readonly string[] = []): FlowReply {
  return { ...rendered, cookies };
}

/** A 303 to one of our own pages (login, consent, resume): the next step is a GET whatever the method was. */
export function seeOther(location: string, cookies: readonly string[] = []): FlowReply {
  return { status: 303, headers: { location, 'cache-control': 'no-store' }, body: '', cookies };
}
