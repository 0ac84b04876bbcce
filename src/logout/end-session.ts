// The end_session_endpoint (RP-Initiated Logout 1.0) and Gatehouse's own "Sign out?": confirm when needed, end the
// session (which queues its back-channel logout tokens), then return to the client or say the person is signed out.
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { InvalidCsrfToken } from '../errors/oauth-errors.js';
import type { EventBus } from '../observability/events.js';
import { appendToQuery } from '../protocol/authorization-response.js';
import { seeOther, withCookies, type FlowReply, type RequestInfo } from '../protocol/flow.js';
import { readParameters, type Parameters } from '../protocol/parameters.js';
import { pageResponse } from '../protocol/rendered-response.js';
import type { SessionRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { renderLogoutConfirmPage, renderNotSignedInPage, renderSignedOutPage } from '../ui/logout-page.js';
import { clearSessionCookieHeader, endSession, findLiveSession, logoutCsrfToken, sessionCookieValue, verifyLogoutCsrf } from '../sessions/sessions.js';
import { readEndSessionRequest, type EndSessionRequest, type EndSessionRequestDeps } from './end-session-request.js';

export interface LogoutDeps extends EndSessionRequestDeps {
  readonly store: Pick<Store, 'sessions' | 'users'>;
  readonly config: Pick<Config, 'issuer' | 'sessions' | 'limits'>;
  readonly events: EventBus;
  readonly clock: Clock;
}

/** The parameters the confirmation form carries, in a fixed order: what its anti-CSRF token is bound to. */
function pendingOf(request: EndSessionRequest): readonly string[] {
  return [request.client?.clientId ?? '', request.postLogoutRedirectUri ?? '', request.state ?? ''];
}

/** GET /logout: a logout request in the query (RP-Initiated Logout §2). */
export function requestLogout(deps: LogoutDeps, query: unknown, info: RequestInfo): Promise<FlowReply> {
  return handleLogoutRequest(deps, readParameters(query, deps.config.limits.parameterBytes), info);
}

/** POST /logout: a confirmation form (it carries `csrf_token`) or a logout request sent by POST (§2 allows both). */
export async function submitLogout(deps: LogoutDeps, body: unknown, info: RequestInfo): Promise<FlowReply> {
  const parameters = readParameters(body, deps.config.limits.parameterBytes);
  if (parameters.has('csrf_token')) return confirmLogout(deps, parameters, info);
  // A relying party's POST is cross-site, so the browser sends no SameSite=Lax session cookie with it: the same request
  // as a top-level GET carries it, so the session really ends rather than the client being told it did.
  if (sessionCookieValue(deps, info.cookies) === undefined) {
    await readEndSessionRequest(deps, parameters);
    return seeOther(`${deps.config.issuer.replace(/\/$/, '')}/logout?${new URLSearchParams([...parameters]).toString()}`);
  }
  return handleLogoutRequest(deps, parameters, info);
}

/**
 * A logout request ends the session at once only with an ID token hint of this very session and user; otherwise it
 * asks (§2: the OP MUST ask when the hint is missing or names another session). Without a session it returns to the
 * client (or says so) directly.
 */
async function handleLogoutRequest(deps: LogoutDeps, parameters: Parameters, info: RequestInfo): Promise<FlowReply> {
  const request = await readEndSessionRequest(deps, parameters);
  const session = await findLiveSession(deps, info.cookies, deps.clock());
  const cookieValue = sessionCookieValue(deps, info.cookies);
  if (session === undefined || cookieValue === undefined) return finish(request, renderNotSignedInPage(), []);
  if (hintMatches(request, session)) return logOut(deps, request, info);
  const user = await deps.store.users.findById(session.userId);
  const page = renderLogoutConfirmPage({
    username: user?.username ?? null,
    clientName: request.client?.clientName ?? null,
    fields: { client_id: request.client?.clientId, post_logout_redirect_uri: request.postLogoutRedirectUri, state: request.state },
    returnTo: request.postLogoutRedirectUri,
    csrfToken: logoutCsrfToken(cookieValue, pendingOf(request)),
  });
  return withCookies(pageResponse(page));
}

async function confirmLogout(deps: LogoutDeps, parameters: Parameters, info: RequestInfo): Promise<FlowReply> {
  // The form carries client_id, not the hint: validated again, as the client may have changed since the page was shown.
  const request = await readEndSessionRequest(deps, new Map([...parameters].filter(([name]) => name !== 'id_token_hint')));
  const cookieValue = sessionCookieValue(deps, info.cookies);
  if (cookieValue === undefined) return finish(request, renderNotSignedInPage(), []);
  // SECURITY.md (anti-CSRF): a logout POST must carry the token bound to this browser's session and these parameters.
  if (!verifyLogoutCsrf(cookieValue, parameters.get('csrf_token'), pendingOf(request))) {
    throw new InvalidCsrfToken({ description: 'This sign-out form has expired or did not come from this site. Open the sign-out page again.' });
  }
  return logOut(deps, request, info);
}

/** §2: the hint belongs to the current session with this user (its `sid` and `sub`). */
function hintMatches(request: EndSessionRequest, session: SessionRecord): boolean {
  return request.hint !== undefined && request.hint.sessionId === session.sessionId && request.hint.userId === session.userId;
}

async function logOut(deps: LogoutDeps, request: EndSessionRequest, info: RequestInfo): Promise<FlowReply> {
  const ended = await endSession(deps, info.cookies, deps.clock());
  const cookies = [clearSessionCookieHeader(deps.config)];
  if (ended === undefined) return finish(request, renderNotSignedInPage(), cookies);
  const asking = request.client === undefined ? {} : { clientId: request.client.clientId };
  deps.events.emit({ type: 'session.ended', userId: ended.userId, ...asking, startedAt: ended.createdAt, endedBy: 'logout' }, info.eventContext);
  return finish(request, renderSignedOutPage(), cookies);
}

/** §3: back to the registered post-logout redirect URI with `state` when one was asked for, else the page. */
function finish(request: EndSessionRequest, page: ReturnType<typeof renderSignedOutPage>, cookies: readonly string[]): FlowReply {
  const target = request.postLogoutRedirectUri;
  if (target === undefined) return withCookies(pageResponse(page), cookies);
  const location = request.state === undefined ? target : appendToQuery(target, { state: request.state });
  return { status: 303, headers: { location, 'cache-control': 'no-store' }, body: '', cookies };
}
