// GET /account: the person's connected applications, active sessions and password form; without a session, the
// login page first (an account sign-in), then back here.
import { beginAccountSignIn } from '../authorize/account-sign-in.js';
import { listConnectedApplications } from '../consents/connected-applications.js';
import { failure } from '../protocol/error-responses.js';
import { withCookies, type FlowReply, type RequestInfo } from '../protocol/flow.js';
import { readParameters } from '../protocol/parameters.js';
import { pageResponse } from '../protocol/rendered-response.js';
import { renderAccountPage, type AccountSession } from '../ui/account-page.js';
import { describeDevice } from './device.js';
import { accountCsrfToken, findSignedIn, type AccountDeps, type SignedIn } from './signed-in.js';

/** What an action redirects back with (`?done=`), and the fixed words it shows: nothing from the request is echoed. */
export const DONE_NOTICES = {
  access_removed: 'Access removed. The application must ask for your permission again.',
  signed_out: 'That session is signed out.',
  password_changed: 'Your password is changed. Your other sessions are signed out.',
} as const;
export type DoneNotice = keyof typeof DONE_NOTICES;

const isDoneNotice = (value: string | undefined): value is DoneNotice => value !== undefined && Object.hasOwn(DONE_NOTICES, value);

/** The account page for a signed-in person, with a notice or a refused password change when there is one. */
export async function accountPage(
  deps: AccountDeps,
  signedIn: SignedIn,
  extras: { readonly notice?: string; readonly passwordProblem?: string } = {},
  status = 200,
): Promise<FlowReply> {
  const { user, session, now } = signedIn;
  const applications = await listConnectedApplications({ store: deps.store, scopeDescriptions: deps.config.scopes }, user.userId);
  const sessions: AccountSession[] = (await deps.store.sessions.listLiveForUser(user.userId, now)).map((live) => ({
    sessionId: live.sessionId,
    device: describeDevice(live.userAgent),
    ip: live.ip,
    signedInAt: live.authTime,
    lastSeenAt: live.lastSeenAt,
    current: live.sessionId === session.sessionId,
  }));
  // This device first, then the others as the store orders them (most recently started first).
  sessions.sort((a, b) => Number(b.current) - Number(a.current));
  const page = renderAccountPage({ username: user.username, admin: user.admin, applications, sessions, csrfToken: accountCsrfToken(signedIn.cookieValue), ...extras });
  return withCookies(pageResponse(page, status));
}

/** GET /account[?done=<action>]. */
export async function showAccountPage(deps: AccountDeps, query: unknown, info: RequestInfo): Promise<FlowReply> {
  const now = deps.clock();
  try {
    const done = readParameters(query, deps.config.limits.parameterBytes).get('done');
    const signedIn = await findSignedIn(deps, info, now);
    if (signedIn === undefined) return await beginAccountSignIn({ store: deps.store, issuer: deps.config.issuer }, now);
    return await accountPage(deps, signedIn, isDoneNotice(done) ? { notice: DONE_NOTICES[done] } : {});
  } catch (error) {
    return failure(error, undefined, info.requestId);
  }
}
