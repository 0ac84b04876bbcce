// After a valid request: log the person in, ask consent, or issue the code (OIDC Core §3.1.2.3-§3.1.2.5).
import type { Config } from '../config/schema.js';
import { scopeCovers } from '../consents/scope.js';
import { ConsentRequired, InvalidInteraction, LoginRequired } from '../errors/oauth-errors.js';
import type { EventBus, EventContext } from '../observability/events.js';
import { findLiveSession } from '../sessions/sessions.js';
import type { AuthorizationRequestRecord, ClientRecord, SessionRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { seeOther, withCookies, interactionLocation, type FlowReply } from './flow-reply.js';
import { clearInteractionCookie, completeInteraction, createInteraction, type Interaction, type RequestCookies } from './interactions.js';
import { issueAuthorizationCode } from './issue-code.js';
import { renderAuthorizationResponse, type AuthorizationTarget } from './response.js';

export interface FlowDeps {
  readonly store: Store;
  readonly config: Config;
  readonly events: EventBus;
}

export interface FlowInput {
  readonly client: ClientRecord;
  readonly request: AuthorizationRequestRecord;
  readonly target: AuthorizationTarget;
  readonly cookies: RequestCookies;
  /** Set when resuming after login: the interaction this request has been waiting in. */
  readonly interaction?: Interaction;
  readonly eventContext: EventContext;
  readonly now: number;
}

function needsLogin(input: FlowInput, session: SessionRecord | undefined): boolean {
  if (session === undefined) return true;
  // A login during this very interaction satisfies prompt=login and max_age (else max_age=0 would loop forever).
  if (input.interaction !== undefined && session.authTime >= input.interaction.record.createdAt) return false;
  // OIDC Core §3.1.2.1: prompt=login asks the person to log in again.
  if (input.request.prompt.includes('login')) return true;
  // OIDC Core §3.1.2.1: max_age bounds the seconds since the person last actively logged in.
  return input.request.maxAge !== null && input.now - session.authTime > input.request.maxAge;
}

async function hasConsent(deps: FlowDeps, input: FlowInput, session: SessionRecord): Promise<boolean> {
  // Client registration: first-party clients skip the consent page.
  if (input.client.firstParty) return true;
  // OIDC Core §3.1.2.1: prompt=consent asks again even when consent was given before.
  if (input.request.prompt.includes('consent')) return false;
  const consent = await deps.store.consents.find(session.userId, input.client.clientId);
  // The decision is remembered per user, client and scope set: a new scope asks again.
  return consent !== undefined && scopeCovers(consent.scope, input.request.scope);
}

/** Sends the browser to the login or consent page, through this request's interaction (created on first need). */
async function interact(deps: FlowDeps, input: FlowInput, path: '/login' | '/consent'): Promise<FlowReply> {
  if (input.interaction !== undefined) return seeOther(interactionLocation(deps.config.issuer, path, input.interaction.id));
  const { interaction, setCookie } = await createInteraction({ store: deps.store, issuer: deps.config.issuer }, input.request, input.now);
  return seeOther(interactionLocation(deps.config.issuer, path, interaction.id), [setCookie]);
}

/**
 * Issues the code to the target, completing the interaction first when there is one (single use: a second tab
 * or a replayed form gets nothing).
 */
export async function issueAndRespond(
  deps: FlowDeps,
  input: Pick<FlowInput, 'request' | 'target' | 'interaction' | 'eventContext' | 'now'>,
  session: SessionRecord,
): Promise<FlowReply> {
  const cookies: string[] = [];
  if (input.interaction !== undefined) {
    if (!(await completeInteraction({ store: deps.store, issuer: deps.config.issuer }, input.interaction, input.now))) throw new InvalidInteraction();
    cookies.push(clearInteractionCookie(deps.config.issuer));
  }
  const code = await issueAuthorizationCode(deps, input.request, session, input.eventContext, input.now);
  return withCookies(renderAuthorizationResponse(input.target, { code }), cookies);
}

/** Decides the next step for a validated request (fresh, or resumed after login); throws errors for the target. */
export async function continueAuthorization(deps: FlowDeps, input: FlowInput): Promise<FlowReply> {
  const session = await findLiveSession(deps, input.cookies, input.now);
  const silent = input.request.prompt.includes('none');
  if (session === undefined || needsLogin(input, session)) {
    // OIDC Core §3.1.2.6: prompt=none never shows a page; login_required goes back to the client.
    if (silent) throw new LoginRequired();
    return interact(deps, input, '/login');
  }
  if (!(await hasConsent(deps, input, session))) {
    // OIDC Core §3.1.2.6: prompt=none with consent still to give is consent_required.
    if (silent) throw new ConsentRequired();
    return interact(deps, input, '/consent');
  }
  return issueAndRespond(deps, input, session);
}
