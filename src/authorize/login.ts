// The login step (OIDC Core §3.1.2.3): the form of a pending interaction, then the credential check that starts a session.
import { InvalidCsrfToken, InvalidInteraction, TemporarilyUnavailable } from '../errors/oauth-errors.js';
import { knownApplication } from '../clients/application-home.js';
import { failure } from '../protocol/error-responses.js';
import { seeOther, withCookies, type FlowReply, type KnownApplication, type RequestInfo } from '../protocol/flow.js';
import { readParameters } from '../protocol/parameters.js';
import { pageResponse } from '../protocol/rendered-response.js';
import { readCookie, setCookieHeader } from '../sessions/cookies.js';
import { sessionCookieHeader, startSession } from '../sessions/sessions.js';
import type { ClientRecord } from '../store/records.js';
import { renderLoginPage, type LoginNotice } from '../ui/login-page.js';
import { attemptLogin, type LoginDeps } from '../users/login.js';
import type { AuthorizationDeps } from './continue.js';
import { isDeviceRequest } from './device-decision.js';
import { finishAccountSignIn } from './account-sign-in.js';
import {
  advanceInteraction,
  clearInteractionCookie,
  CSRF_FIELD,
  findAnyInteraction,
  interactionLocation,
  verifyInteractionCsrf,
  type AnyInteraction,
} from './interactions.js';

export interface LoginFlowDeps extends AuthorizationDeps {
  readonly login: LoginDeps;
}

/** SECURITY.md (brute force): the signed cookie that makes a browser a known device of the account it signed in as. */
const DEVICE_COOKIE = 'gatehouse_device';

/** The page for a login turned away at the password-hashing cap; the person may simply send the form again. */
const BUSY = 'Gatehouse is busy right now. Go back and sign in again in a few seconds.';

interface LoadedInteraction {
  readonly interaction: AnyInteraction;
  /** The client of the authorization request; null for a sign-in to the account page. */
  readonly client: ClientRecord | null;
}

/** The live interaction this browser started, with its client; anything else is one fixed error page. */
async function loadInteraction(deps: AuthorizationDeps, info: RequestInfo, id: string | undefined, now: number): Promise<LoadedInteraction> {
  // SECURITY.md (interactions): the interaction is bound to the browser that started it (checked by findAnyInteraction).
  const interaction = await findAnyInteraction({ store: deps.store, issuer: deps.config.issuer }, info.cookies, id, now);
  if (interaction === undefined) throw new InvalidInteraction({ cause: new Error('login: no live interaction for this browser') });
  info.joinFlow(interaction.record.flowId, interaction.record.request?.clientId);
  const { request } = interaction.record;
  if (request === null) return { interaction, client: null };
  const client = await deps.clients.find(request.clientId);
  if (client === undefined) throw new InvalidInteraction({ cause: new Error('login: client deleted meanwhile') });
  return { interaction, client };
}

function loginPage({ interaction, client }: LoadedInteraction, username: string | null, notice?: LoginNotice): FlowReply {
  const { request } = interaction.record;
  const page = renderLoginPage({
    clientName: client?.clientName ?? null,
    interactionId: interaction.id,
    csrfToken: interaction.csrfToken,
    username,
    notice,
    // A successful login ends in a redirect to the client; the page's form-action must allow that redirect too.
    formActions: request === null || isDeviceRequest(request) ? [] : [request.redirectUri],
  });
  if (notice?.kind !== 'throttled') return withCookies(pageResponse(page));
  // SECURITY.md (brute force): the person is told how long to wait, and so is any client of the HTTP response.
  const throttled = pageResponse(page, 429);
  return withCookies({ ...throttled, headers: { ...throttled.headers, 'retry-after': String(notice.retryAfter) } });
}

/** GET /login?interaction=<id>: the form, prefilled with the request's login_hint. */
export async function showLoginPage(deps: AuthorizationDeps, interactionId: string | undefined, info: RequestInfo): Promise<FlowReply> {
  try {
    const loaded = await loadInteraction(deps, info, interactionId, deps.clock());
    return loginPage(loaded, loaded.interaction.record.request?.loginHint ?? null);
  } catch (error) {
    return failure(error, undefined, info.requestId);
  }
}

/** POST /login: checks the credentials; on success starts a new session and sends the browser on to resume the request. */
export async function submitLogin(deps: LoginFlowDeps, body: unknown, info: RequestInfo): Promise<FlowReply> {
  const now = deps.clock();
  let application: KnownApplication | undefined;
  try {
    const form = readParameters(body, deps.config.limits.parameterBytes);
    const loaded = await loadInteraction(deps, info, form.get('interaction'), now);
    application = loaded.client === null ? undefined : knownApplication(loaded.client);
    // SECURITY.md (anti-CSRF): the form must carry this interaction's token.
    if (!verifyInteractionCsrf(loaded.interaction, form.get(CSRF_FIELD))) throw new InvalidCsrfToken();
    const username = form.get('username') ?? '';
    const deviceCookie = readCookie(info.cookies, deps.config.issuer, DEVICE_COOKIE);
    const attempt = { username, password: form.get('password') ?? '', ip: info.eventContext.ip ?? 'unknown', clientId: loaded.client?.clientId, deviceCookie };
    const result = await attemptLogin(deps.login, attempt, info.eventContext, now);
    if (result.outcome === 'failed') return loginPage(loaded, username, { kind: 'invalid' });
    if (result.outcome === 'throttled') return loginPage(loaded, username, { kind: 'throttled', retryAfter: result.lock.retryAfter });
    // SECURITY.md (passwords): past the hashing cap, 503 with Retry-After; the interaction stays usable.
    if (result.outcome === 'busy') {
      return failure(new TemporarilyUnavailable({ description: BUSY, retryAfter: result.retryAfter }), undefined, info.requestId, { application });
    }
    const device = setCookieHeader(deps.config.issuer, DEVICE_COOKIE, result.deviceCookie, deps.login.deviceCookies.ttl);
    return await startLoggedInSession(deps, loaded.interaction, result.user.userId, info, now, device);
  } catch (error) {
    return failure(error, undefined, info.requestId, { application });
  }
}

/** SECURITY.md (no fixation): a new session and cookie value at every login; the browser's previous session ends. */
async function startLoggedInSession(
  deps: AuthorizationDeps,
  interaction: AnyInteraction,
  userId: string,
  info: RequestInfo,
  now: number,
  deviceCookie: string,
): Promise<FlowReply> {
  const origin = { ip: info.eventContext.ip ?? null, userAgent: info.eventContext.userAgent ?? null };
  const started = await startSession(deps, info.cookies, userId, origin, now);
    // A new login in the same browser ends its previous session: revoked, not logged out of.
  const { previous } = started;
  if (previous !== undefined) deps.events.emit({ type: 'session.ended', userId: previous.userId, startedAt: previous.createdAt, endedBy: 'revoked' }, info.eventContext);
  const cookies = [sessionCookieHeader(deps.config, started.cookieValue), deviceCookie];
  const next = await continueAfterLogin(deps, interaction, started.session.sessionId, now, cookies);
  if (next === undefined) {
    const cause = new Error('login: interaction no longer live after the session started');
    return failure(new InvalidInteraction({ cause }), undefined, info.requestId, { cookies });
  }
  return next;
}

/**
 * Where the browser goes once signed in: an account sign-in is used up and leads to the account page; an
 * authorization request records the login and resumes. Undefined when the interaction is no longer live.
 */
async function continueAfterLogin(
  deps: AuthorizationDeps,
  interaction: AnyInteraction,
  loginSessionId: string,
  now: number,
  cookies: readonly string[],
): Promise<FlowReply | undefined> {
  const interactionDeps = { store: deps.store, issuer: deps.config.issuer };
  if (interaction.record.request === null) {
    return finishAccountSignIn(interactionDeps, interaction, now, [...cookies, clearInteractionCookie(deps.config.issuer)]);
  }
  // This login satisfies the request's prompt=login and max_age; resume decides what comes next.
  if ((await advanceInteraction(interactionDeps, interaction, { ...interaction.record, loginSessionId }, now)) === undefined) return undefined;
  return seeOther(interactionLocation(deps.config.issuer, '/authorize/resume', interaction.id), cookies);
}
