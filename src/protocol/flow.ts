// What the person-facing flows (authorize, login, consent, logout) take from a request and answer with, framework-neutral.
import type { OAuthError } from '../errors/oauth-errors.js';
import type { EventContext } from '../observability/events.js';
import type { IdentifyClient, JoinFlow } from '../observability/flow-id.js';
import type { RequestCookies } from '../sessions/cookies.js';
import type { RenderedResponse } from './rendered-response.js';

/** What the flows need of the HTTP request besides its parameters. */
export interface RequestInfo {
  readonly cookies: RequestCookies;
  readonly requestId: string;
  /** Its `flowId` is the flow's once the request has joined one. */
  readonly eventContext: EventContext;
  readonly joinFlow: JoinFlow;
  /** For a request refused before it starts a flow, yet known to be for a registered client. */
  readonly identifyClient: IdentifyClient;
}

/** The client a person-facing flow is for, once known: its error page names it and leads back to its home. */
export interface KnownApplication {
  readonly clientId: string;
  /** As registered; escaped like every other value on the page. */
  readonly clientName: string;
  /** Derived from the client's registered redirect URIs only, never from the request; undefined: no link. */
  readonly home: string | undefined;
}

/** Who a failed request was for, as far as the flow got: logged with its error (neither value is a secret). */
export interface FailureSubject {
  readonly clientId?: string;
  readonly redirectUri?: string;
}

export interface FlowReply extends RenderedResponse {
  /** Set-Cookie header values. */
  readonly cookies: readonly string[];
  /** The error this reply answers, so the HTTP layer can log it (its cause is logged, never shown). */
  readonly error?: OAuthError;
  /** The client and redirect URI of the error's request, when the flow knew them. */
  readonly subject?: FailureSubject;
}

export function withCookies(rendered: RenderedResponse, cookies: readonly string[] = []): FlowReply {
  return { ...rendered, cookies };
}

/** A 303 to one of our own pages (login, consent, resume): the next step is a GET whatever the method was. */
export function seeOther(location: string, cookies: readonly string[] = []): FlowReply {
  return { status: 303, headers: { location, 'cache-control': 'no-store' }, body: '', cookies };
}
