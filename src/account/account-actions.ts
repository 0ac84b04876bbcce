// The account page's forms that end things: "Remove access" for a connected application, "Sign out" for one session,
// and "Sign out everywhere". Each form is checked first (same origin, session, anti-CSRF token).
import { accountLocation } from '../authorize/account-sign-in.js';
import { revokeClientAccess } from '../consents/revoke-access.js';
import { InvalidRequest } from '../errors/oauth-errors.js';
import { failure } from '../protocol/error-responses.js';
import { seeOther, withCookies, type FlowReply, type RequestInfo } from '../protocol/flow.js';
import { readParameters, type Parameters } from '../protocol/parameters.js';
import { pageResponse } from '../protocol/rendered-response.js';
import { clearSessionCookieHeader } from '../sessions/sessions.js';
import { renderSignedOutPage } from '../ui/logout-page.js';
import type { DoneNotice } from './account-page.js';
import type { SessionRecord } from '../store/records.js';
import { checkAccountForm, type AccountDeps, type FormSource, type SignedIn } from './signed-in.js';

type AccountAction = (deps: AccountDeps, form: Parameters, signedIn: SignedIn, info: RequestInfo) => Promise<FlowReply>;

/** A POST handler for `action`: reads the form, lets it act only once `checkAccountForm` passes, and renders any error as a page. */
export function accountForm(action: AccountAction) {
  return async (deps: AccountDeps, body: unknown, info: RequestInfo, source: FormSource): Promise<FlowReply> => {
    try {
      const form = readParameters(body, deps.config.limits.parameterBytes);
      const checked = await checkAccountForm(deps, form, info, source);
      return 'user' in checked ? await action(deps, form, checked, info) : checked;
    } catch (error) {
      return failure(error, undefined, info.requestId);
    }
  };
}

/** Back to the account page with its fixed confirmation (a 303, so reloading does not send the form again). */
export function backToAccount(deps: AccountDeps, done: DoneNotice, cookies: readonly string[] = []): FlowReply {
  return seeOther(`${accountLocation(deps.config.issuer)}?done=${done}`, cookies);
}

function required(form: Parameters, name: string): string {
  const value = form.get(name);
  if (value === undefined) throw new InvalidRequest({ description: 'The form was sent without saying what to act on. Open your account page again.' });
  return value;
}

/** The browser's own session has ended: its cookie goes, and the page says so. */
function signedOut(deps: AccountDeps): FlowReply {
  return withCookies(pageResponse(renderSignedOutPage()), [clearSessionCookieHeader(deps.config)]);
}

/** POST /account/applications/remove: only an application the person has consented to. */
export const removeAccess = accountForm(async (deps, form, { user }, info) => {
  const clientId = required(form, 'client_id');
  if ((await deps.store.consents.find(user.userId, clientId)) === undefined) {
    throw new InvalidRequest({ description: 'That application has no access to your account, or its access was already removed.' });
  }
  await revokeClientAccess(deps, user.userId, clientId, info.eventContext);
  return backToAccount(deps, 'access_removed');
});

/** Signing out of the session in use is a logout; ending another one from here revokes it. */
const endedByOf = (ended: SessionRecord, current: SessionRecord): 'logout' | 'revoked' => (ended.sessionId === current.sessionId ? 'logout' : 'revoked');

/** POST /account/sessions/sign-out: one of the person's own sessions, ended as /logout ends one. */
export const signOutSession = accountForm(async (deps, form, { user, session, now }, info) => {
  const sessionId = required(form, 'session_id');
  const ending = (await deps.store.sessions.listLiveForUser(user.userId, now)).find((live) => live.sessionId === sessionId);
  // Only a live session of this user: another person's session id ends nothing.
  if (ending === undefined || !(await deps.store.sessions.endById(user.userId, sessionId, now))) {
    throw new InvalidRequest({ description: 'That session is not one of yours, or it has already ended.' });
  }
  deps.events.emit({ type: 'session.ended', userId: user.userId, startedAt: ending.createdAt, endedBy: endedByOf(ending, session) }, info.eventContext);
  return sessionId === session.sessionId ? signedOut(deps) : backToAccount(deps, 'signed_out');
});

/** POST /account/sessions/sign-out-everywhere: every live session of the person, this one included. */
export const signOutEverywhere = accountForm(async (deps, _form, { user, session, now }, info) => {
  for (const live of await deps.store.sessions.listLiveForUser(user.userId, now)) {
    if (!(await deps.store.sessions.endById(user.userId, live.sessionId, now))) continue;
    deps.events.emit({ type: 'session.ended', userId: user.userId, startedAt: live.createdAt, endedBy: endedByOf(live, session) }, info.eventContext);
  }
  return signedOut(deps);
});
