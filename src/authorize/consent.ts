// The consent step: show the page for an interaction awaiting consent, then record Allow (and issue the code) or Deny.
import { AccessDenied, InvalidCsrfToken, InvalidInteraction, InvalidRequest } from '../errors/oauth-errors.js';
import { targetOf } from '../protocol/authorization-response.js';
import { failure } from '../protocol/error-responses.js';
import { seeOther, withCookies, type FlowReply, type RequestInfo } from '../protocol/flow.js';
import { readParameters } from '../protocol/parameters.js';
import { pageResponse } from '../protocol/rendered-response.js';
import { mergeScopes } from '../protocol/scope.js';
import type { AuthorizationRequestRecord } from '../store/records.js';
import { renderConsentPage } from '../ui/consent-page.js';
import { consentItemsOf, consentScopeOf } from '../apis/consent-scope.js';
import { approveDevice, denyDevice, isDeviceRequest, type GivenConsent } from './device-decision.js';
import { issueAndRespond, loginStep, sendToStep, type AuthorizationDeps } from './continue.js';
import { clearInteractionCookie, completeInteraction, CSRF_FIELD, findInteraction, interactionLocation, verifyInteractionCsrf, type Interaction } from './interactions.js';
import { checkLoginRequirements, type SatisfiedLogin } from './login-requirements.js';

/**
 * Each scope the person consents to in plain words, one line per item the consent record keeps: an API's scope as
 * "API name: its description" for every requested API that allows it to this client (RFC 8707), else the configured
 * description, else the scope's own name.
 */
async function describeScopes(deps: AuthorizationDeps, request: AuthorizationRequestRecord): Promise<string[]> {
  const descriptions = new Map(Object.entries(deps.config.scopes));
  return (await consentItemsOf(deps.store.apis, request)).map(({ scope, api }) => {
    if (api === undefined) return descriptions.get(scope) ?? scope;
    return `${api.name}: ${api.scopes.find((defined) => defined.name === scope)?.description ?? scope}`;
  });
}

async function loadInteraction(deps: AuthorizationDeps, interactionId: string | undefined, info: RequestInfo, now: number): Promise<Interaction> {
  const interaction = await findInteraction({ store: deps.store, issuer: deps.config.issuer }, info.cookies, interactionId, now);
  if (interaction === undefined) throw new InvalidInteraction({ cause: new Error('consent: no live interaction for this browser') });
  info.joinFlow(interaction.record.flowId, interaction.record.request.clientId);
  return interaction;
}

/**
 * SECURITY.md (consent): the consent page acts only on an interaction that awaits consent, for the very session it was
 * offered to, and only while that session still meets every login requirement of the request (prompt=login, max_age,
 * an enabled user). Anything else goes back to the step the request really needs, so opening /consent never skips a login.
 */
async function passConsentGate(deps: AuthorizationDeps, interaction: Interaction, info: RequestInfo, now: number): Promise<SatisfiedLogin | FlowReply> {
  const { record } = interaction;
  if (record.awaiting !== 'consent') return seeOther(interactionLocation(deps.config.issuer, '/login', interaction.id));
  const login = await checkLoginRequirements(deps, record.request, record, info.cookies, now);
  if (!login.ok) return sendToStep(deps, { request: record.request, interaction, info, now }, loginStep(interaction));
  // Another session (another account signed in meanwhile) starts over at resume, which decides afresh for it.
  if (login.session.sessionId !== record.consentSessionId) return seeOther(interactionLocation(deps.config.issuer, '/authorize/resume', interaction.id));
  return login;
}

/** GET /consent?interaction=<id>: the page, only for the browser holding the interaction and its session. */
export async function showConsentPage(deps: AuthorizationDeps, interactionId: string | undefined, info: RequestInfo): Promise<FlowReply> {
  const now = deps.clock();
  try {
    const interaction = await loadInteraction(deps, interactionId, info, now);
    const login = await passConsentGate(deps, interaction, info, now);
    if (!('ok' in login)) return login;
    const { request } = interaction.record;
    const client = await deps.clients.find(request.clientId);
    if (client === undefined) throw new InvalidInteraction({ cause: new Error('consent: client deleted meanwhile') });
    const page = renderConsentPage({
      // SECURITY.md (consent): consent names the client as registered and describes each scope in plain words.
      clientName: client.clientName,
      scopeDescriptions: await describeScopes(deps, request),
      username: login.user.username,
      interactionId: interaction.id,
      csrfToken: interaction.csrfToken,
      redirectUri: request.redirectUri,
      device: isDeviceRequest(request),
    });
    return withCookies(pageResponse(page));
  } catch (error) {
    return failure(error, undefined, info.requestId);
  }
}

/** POST /consent: checks the interaction, its CSRF token and the login, then applies the decision once. */
export async function decideConsent(deps: AuthorizationDeps, body: unknown, info: RequestInfo): Promise<FlowReply> {
  const now = deps.clock();
  try {
    const parameters = readParameters(body, deps.config.limits.parameterBytes);
    const interaction = await loadInteraction(deps, parameters.get('interaction'), info, now);
    // SECURITY.md (anti-CSRF): the form must carry this interaction's token.
    if (!verifyInteractionCsrf(interaction, parameters.get(CSRF_FIELD))) throw new InvalidCsrfToken();
    const decision = parameters.get('decision');
    if (decision !== 'allow' && decision !== 'deny') throw new InvalidRequest({ description: 'The consent form was sent without a decision.' });
    const login = await passConsentGate(deps, interaction, info, now);
    if (!('ok' in login)) return login;
    // Single use: a replayed or doubled form decides nothing.
    if (!(await completeInteraction({ store: deps.store, issuer: deps.config.issuer }, interaction, now))) {
      throw new InvalidInteraction({ cause: new Error('consent: interaction already decided or expired') });
    }
    return await applyDecision(deps, interaction, login, decision === 'allow', info);
  } catch (error) {
    return failure(error, undefined, info.requestId);
  }
}

/** The consent to record for an Allow: saving it (in the caller's store or transaction), and its event once saved. */
async function consentGiven(deps: AuthorizationDeps, request: AuthorizationRequestRecord, login: SatisfiedLogin, info: RequestInfo): Promise<GivenConsent> {
  const event = { userId: login.user.userId, clientId: request.clientId };
  const earlier = await deps.store.consents.find(event.userId, event.clientId);
  // Remembered as the union with earlier consent, so allowing a new scope keeps the old ones.
  const scope = mergeScopes(earlier?.scope ?? '', await consentScopeOf(deps.store.apis, request));
  const record = { ...event, scope, createdAt: earlier?.createdAt ?? login.now, updatedAt: login.now, lastUsedAt: earlier?.lastUsedAt ?? null };
  return {
    save: (store) => store.consents.save(record),
    emitGranted: () => deps.events.emit({ type: 'consent.granted', ...event, scope: request.scope }, info.eventContext),
  };
}

async function applyDecision(deps: AuthorizationDeps, interaction: Interaction, login: SatisfiedLogin, allowed: boolean, info: RequestInfo): Promise<FlowReply> {
  const { request } = interaction.record;
  // A device authorization has no redirect target: its outcome is a page, and so are its errors.
  const target = isDeviceRequest(request) ? undefined : targetOf(request, deps.config.issuer);
  const cookies = [clearInteractionCookie(deps.config.issuer)];
  const event = { userId: login.user.userId, clientId: request.clientId };
  if (!allowed && isDeviceRequest(request)) return withCookies(await denyDevice(deps, request, login, info), cookies);
  if (!allowed) {
    deps.events.emit({ type: 'consent.denied', ...event }, info.eventContext);
    // SECURITY.md (consent): Deny returns access_denied with state (and iss) to the client.
    return failure(new AccessDenied({ description: 'The person denied the request.' }), target, info.requestId, { cookies });
  }
  const consent = await consentGiven(deps, request, login, info);
  if (!isDeviceRequest(request)) {
    await consent.save(deps.store);
    consent.emitGranted();
  }
  try {
    // RFC 8628 §3.5: a device code may have been decided or expired meanwhile; the consent is kept only with its approval.
    if (isDeviceRequest(request)) return withCookies(await approveDevice(deps, request, login, info, consent), cookies);
    // The interaction is already completed by the decision; issuing must not complete it again.
    const reply = await issueAndRespond(deps, { request, target, info }, login);
    return withCookies(reply, cookies);
  } catch (error) {
    return failure(error, target, info.requestId, { cookies });
  }
}
