// Authorization responses to the client's redirect URI (RFC 6749 §4.1.2, RFC 9207 `iss`), in the requested response mode.
import type { AuthorizationRequestRecord } from '../store/records.js';
import { renderFormPostPage } from '../ui/form-post.js';
import { pageResponse, type RenderedResponse } from './rendered-response.js';

export type ResponseMode = 'query' | 'form_post';

/** Where an authorization response goes; known once client_id and redirect_uri are validated. */
export interface AuthorizationTarget {
  readonly redirectUri: string;
  /** Echoed exactly as sent; null when the request carried none (one that cannot be echoed never gets a target). */
  readonly state: string | null;
  readonly responseMode: ResponseMode;
  readonly issuer: string;
}

/** The target of a request validated earlier (resumed after login, or decided on the consent page). */
export function targetOf(request: Pick<AuthorizationRequestRecord, 'redirectUri' | 'state' | 'responseMode'>, issuer: string): AuthorizationTarget {
  return { redirectUri: request.redirectUri, state: request.state, responseMode: request.responseMode, issuer };
}

/** The redirect URI with `fields` added to its query, keeping the registered URI's own query byte for byte. */
export function appendToQuery(redirectUri: string, fields: Readonly<Record<string, string>>): string {
  const url = new URL(redirectUri);
  const added = new URLSearchParams(fields).toString();
  // Assigning `search` re-encodes only what must be; URLSearchParams would rewrite the existing query.
  url.search = url.search.length > 1 ? `${url.search.slice(1)}&${added}` : added;
  return url.href;
}

/** Sends `fields` (a code, or an error and its description) plus `state` and `iss` to the target. */
export function renderAuthorizationResponse(target: AuthorizationTarget, fields: Readonly<Record<string, string>>): RenderedResponse {
  // RFC 6749 §4.1.2: state is returned exactly when the request carried it; RFC 9207 §2: iss always.
  const all = { ...fields, ...(target.state === null ? {} : { state: target.state }), iss: target.issuer };
  if (target.responseMode === 'form_post') return pageResponse(renderFormPostPage(target.redirectUri, all));
  return { status: 303, headers: { location: appendToQuery(target.redirectUri, all), 'cache-control': 'no-store' }, body: '' };
}
