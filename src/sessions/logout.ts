// Logout from Gatehouse itself: "Sign out?" with a session-bound anti-CSRF token, then the session ends and its cookie goes.
import { InvalidCsrfToken } from '../errors/oauth-errors.js';
import type { EventBus } from '../observability/events.js';
import { withCookies, type FlowReply, type RequestInfo } from '../protocol/flow.js';
import { readParameters } from '../protocol/parameters.js';
import { pageResponse } from '../protocol/rendered-response.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { Store } from '../store/store.js';
import { renderLogoutConfirmPage, renderNotSignedInPage, renderSignedOutPage } from '../ui/logout-page.js';
import { clearSessionCookieHeader, endSession, findLiveSession, logoutCsrfToken, sessionCookieValue, verifyLogoutCsrf } from './sessions.js';

export interface LogoutDeps {
  readonly store: Pick<Store, 'sessions' | 'users'>;
  readonly config: Pick<Config, 'issuer' | 'sessions' | 'limits'>;
  readonly events: EventBus;
  readonly clock: Clock;
}

/** GET /logout: the confirmation for a signed-in browser, or a page saying no one is signed in. */
export async function showLogoutPage(deps: LogoutDeps, info: RequestInfo): Promise<FlowReply> {
  const session = await findLiveSession(deps, info.cookies, deps.clock());
  const cookieValue = sessionCookieValue(deps, info.cookies);
  if (session === undefined || cookieValue === undefined) return withCookies(pageResponse(renderNotSignedInPage()));
  const user = await deps.store.users.findById(session.userId);
  return withCookies(pageResponse(renderLogoutConfirmPage({ username: user?.username ?? null, csrfToken: logoutCsrfToken(cookieValue) })));
}

/** POST /logout: checks the session-bound token, ends the session and clears its cookie. @throws InvalidCsrfToken */
export async function submitLogout(deps: LogoutDeps, body: unknown, info: RequestInfo): Promise<FlowReply> {
  const cookieValue = sessionCookieValue(deps, info.cookies);
  if (cookieValue === undefined) return withCookies(pageResponse(renderNotSignedInPage()));
  const token = readParameters(body, deps.config.limits.parameterBytes).get('csrf_token');
  // SECURITY.md (anti-CSRF): a logout POST must carry the token bound to this browser's session.
  if (!verifyLogoutCsrf(cookieValue, token)) {
    throw new InvalidCsrfToken({ description: 'This sign-out form has expired or did not come from this site. Open the sign-out page again.' });
  }
  const ended = await endSession(deps, info.cookies, deps.clock());
  const cookies = [clearSessionCookieHeader(deps.config)];
  if (ended === undefined) return withCookies(pageResponse(renderNotSignedInPage()), cookies);
  deps.events.emit({ type: 'session.ended', userId: ended.userId }, info.eventContext);
  return withCookies(pageResponse(renderSignedOutPage()), cookies);
}
