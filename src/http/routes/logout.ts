// GET /logout asks "Sign out of Gatehouse?"; POST /logout checks the session-bound token, ends the session, clears the cookie.
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../../app.js';
import { InvalidCsrfToken } from '../../errors/oauth-errors.js';
import { endSession, findLiveSession, logoutCsrfToken, sessionCookieValue, verifyLogoutCsrf } from '../../sessions/sessions.js';
import { renderLogoutConfirmPage, renderNotSignedInPage, renderSignedOutPage } from '../../ui/logout-page.js';
import { eventContext } from '../event-context.js';
import { readParameters } from '../parameters.js';
import { rejectOtherMethods } from '../plugins/error-handler.js';
import { sendPage } from '../send-page.js';
import { clearSessionCookie } from '../session-cookie.js';

export const LOGOUT_PATH = '/logout';

const nowInSeconds = (): number => Math.floor(Date.now() / 1000);

export function registerLogoutRoutes(app: FastifyInstance, context: RouteContext): void {
  app.get(LOGOUT_PATH, { config: { errorChannel: 'page' } }, async (request, reply) => {
    const session = await findLiveSession(context, request.cookies, nowInSeconds());
    const cookieValue = sessionCookieValue(context, request.cookies);
    if (session === undefined || cookieValue === undefined) return sendPage(reply, renderNotSignedInPage());
    const user = await context.store.users.findById(session.userId);
    return sendPage(reply, renderLogoutConfirmPage({ username: user?.username ?? null, csrfToken: logoutCsrfToken(cookieValue) }));
  });

  app.post(LOGOUT_PATH, { config: { errorChannel: 'page' } }, async (request, reply) => {
    const cookieValue = sessionCookieValue(context, request.cookies);
    if (cookieValue === undefined) return sendPage(reply, renderNotSignedInPage());
    const token = readParameters(request.body, context.config.limits.parameterBytes).get('csrf_token');
    // SECURITY.md (anti-CSRF): a logout POST must carry the token bound to this browser's session.
    if (!verifyLogoutCsrf(cookieValue, token)) {
      throw new InvalidCsrfToken({ description: 'This sign-out form has expired or did not come from this site. Open the sign-out page again.' });
    }
    const ended = await endSession(context, request.cookies, nowInSeconds());
    clearSessionCookie(reply, context.config);
    if (ended === undefined) return sendPage(reply, renderNotSignedInPage());
    context.events.emit({ type: 'session.ended', userId: ended.userId }, eventContext(request));
    return sendPage(reply, renderSignedOutPage());
  });

  rejectOtherMethods(app, LOGOUT_PATH, ['GET', 'POST']);
}
