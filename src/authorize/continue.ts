// After a valid request: log the person in, ask consent, or issue the code (OIDC Core §3.1.2.3-§3.1.2.5).
import type { ClientLookup } from '../clients/lookup.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { ConsentRequired, InvalidInteraction, LoginRequired } from '../errors/oauth-errors.js';
import type { EventBus } from '../observability/events.js';
import { renderAuthorizationResponse, type AuthorizationTarget } from '../protocol/authorization-response.js';
import { seeOther, withCookies, type FlowReply, type RequestInfo } from '../protocol/flow.js';
import { scopeCovers } from '../protocol/scope.js';
import type { AuthorizationRequestRecord, ClientRecord, InteractionStep } from '../store/records.js';
import type { Store } from '../store/store.js';
import {
  advanceInteraction,
  clearInteractionCookie,
  completeInteraction,
  createInteraction,
  interactionLocation,
  type Interaction,
} from './interactions.js';
import { consentScopeOf } from '../apis/consent-scope.js';
import { approveDevice, isDeviceRequest } from './device-decision.js';
import { issueAuthorizationCode } from './issue-code.js';
import { checkLoginRequirements, type SatisfiedLogin } from './login-requirements.js';

/** What the person-facing authorization steps are built from. */
export interface AuthorizationDeps {
  readonly store: Store;
  readonly config: Config;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly clients: Pick<ClientLookup, 'find'>;
}

export interface FlowInput {
  readonly client: ClientRecord;
  readonly request: AuthorizationRequestRecord;
  /** Where the code goes; undefined for a device authorization, which answers with pages only. */
  readonly target: AuthorizationTarget | undefined;
  readonly info: RequestInfo;
  /** Set when resuming: the interaction this request has been waiting in. */
  readonly interaction?: Interaction;
  readonly now: number;
}

async function hasConsent(deps: AuthorizationDeps, input: FlowInput, login: SatisfiedLogin): Promise<boolean> {
  // OIDC Core §3.1.2.1: prompt=consent asks again even when consent was given before, and even for a first-party client.
  // RFC 8628 §5.4: a device is never approved without the person confirming it, so its page is always shown.
  if (input.request.prompt.includes('consent') || isDeviceRequest(input.request)) return false;
  // Client registration: first-party clients skip the consent page.
  if (input.client.firstParty) return true;
  const consent = await deps.store.consents.find(login.user.userId, input.client.clientId);
  // The decision is remembered per user, client and scope set (API scopes per API): a new scope asks again.
  return consent !== undefined && scopeCovers(consent.scope, await consentScopeOf(deps.store.apis, input.request));
}

/**
 * Sends the browser to the page of `step`, recording it on the request's interaction (created on first need), so the
 * other pages refuse to act on it meanwhile.
 */
export async function sendToStep(deps: AuthorizationDeps, input: Pick<FlowInput, 'request' | 'interaction' | 'info' | 'now'>, step: InteractionStep): Promise<FlowReply> {
  const path = step.awaiting === 'login' ? '/login' : '/consent';
  const interactionDeps = { store: deps.store, issuer: deps.config.issuer };
  if (input.interaction === undefined) {
    const { interaction, setCookie } = await createInteraction(interactionDeps, input.request, step, input.info.eventContext.flowId ?? null, input.now);
    return seeOther(interactionLocation(deps.config.issuer, path, interaction.id), [setCookie]);
  }
  if ((await advanceInteraction(interactionDeps, input.interaction, step, input.now)) === undefined) {
    throw new InvalidInteraction({ cause: new Error('interaction no longer live when moving to its next step') });
  }
  return seeOther(interactionLocation(deps.config.issuer, path, input.interaction.id));
}

/** The step asking for a login, keeping a login already performed for this interaction on record. */
export function loginStep(interaction: Interaction | undefined): InteractionStep {
  return { awaiting: 'login', loginSessionId: interaction?.record.loginSessionId ?? null, consentSessionId: null };
}

/**
 * Issues the code to the target (or approves the device authorization) on a login that meets every requirement, completing the interaction first when there
 * is one (single use: a second tab or a replayed form gets nothing).
 */
export async function issueAndRespond(
  deps: AuthorizationDeps,
  input: Pick<FlowInput, 'request' | 'target' | 'interaction' | 'info'>,
  login: SatisfiedLogin,
): Promise<FlowReply> {
  const cookies: string[] = [];
  if (input.interaction !== undefined) {
    if (!(await completeInteraction({ store: deps.store, issuer: deps.config.issuer }, input.interaction, login.now))) {
      throw new InvalidInteraction({ cause: new Error('interaction already completed or expired before code issuance') });
    }
    cookies.push(clearInteractionCookie(deps.config.issuer));
  }
  const { request, target } = input;
  if (isDeviceRequest(request)) return withCookies(await approveDevice(deps, request, login, input.info), cookies);
  if (target === undefined) throw new InvalidInteraction({ cause: new Error('authorization request without a redirect target') });
  const code = await issueAuthorizationCode(deps, request, login.session, input.info.eventContext, login.now);
  return withCookies(renderAuthorizationResponse(target, { code }), cookies);
}

/** Decides the next step for a validated request (fresh, or resumed after login); throws errors for the target. */
export async function continueAuthorization(deps: AuthorizationDeps, input: FlowInput): Promise<FlowReply> {
  const login = await checkLoginRequirements(deps, input.request, input.interaction?.record, input.info.cookies, input.now);
  const silent = input.request.prompt.includes('none');
  if (!login.ok) {
    // OIDC Core §3.1.2.6: prompt=none never shows a page; login_required goes back to the client.
    if (silent) throw new LoginRequired();
    return sendToStep(deps, input, loginStep(input.interaction));
  }
  if (!(await hasConsent(deps, input, login))) {
    // OIDC Core §3.1.2.6: prompt=none with consent still to give is consent_required.
    if (silent) throw new ConsentRequired();
    const loginSessionId = input.interaction?.record.loginSessionId ?? null;
    return sendToStep(deps, input, { awaiting: 'consent', loginSessionId, consentSessionId: login.session.sessionId });
  }
  return issueAndRespond(deps, input, login);
}
