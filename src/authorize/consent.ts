// The consent step: show the page for a pending interaction, then record Allow (and issue the code) or Deny.
import { issueAndRespond } from '../authorize/continue.js';
import { epochNow, type AuthorizationDeps, type RequestInfo } from '../authorize/endpoint.js';
import { failure, interactionLocation, seeOther, withCookies, type FlowReply } from '../authorize/flow-reply.js';
import { clearInteractionCookie, completeInteraction, CSRF_FIELD, findInteraction, verifyInteractionCsrf, type Interaction } from '../authorize/interactions.js';
import { pageResponse, targetOf } from '../authorize/response.js';
import { AccessDenied, InvalidCsrfToken, InvalidInteraction, InvalidRequest } from '../errors/oauth-errors.js';
import { readParameters } from '../http/parameters.js';
import { findLiveSession } from '../sessions/sessions.js';
import type { SessionRecord } from '../store/records.js';
import { renderConsentPage } from '../ui/consent-page.js';
import { mergeScopes } from './scope.js';

/** Each requested scope in plain words: the configured description, or the scope's own name when there is none. */
function describeScopes(descriptions: Readonly<Record<string, string>>, scope: string): string[] {
  return scope.split(' ').map((name) => (Object.hasOwn(descriptions, name) ? descriptions[name] ?? name : name));
}

/** GET /consent?interaction=<id>: the page, only for the browser holding the interaction and a live session. */
export async function showConsentPage(deps: AuthorizationDeps, interactionId: string | undefined, info: RequestInfo): Promise<FlowReply> {
  const now = epochNow();
  try {
    const interaction = await findInteraction({ store: deps.store, issuer: deps.config.issuer }, info.cookies, interactionId, now);
    if (interaction === undefined) throw new InvalidInteraction();
    const session = await findLiveSession(deps, info.cookies, now);
    // The session ended since the request was made: log in again within the same interaction.
    if (session === undefined) return seeOther(interactionLocation(deps.config.issuer, '/login', interaction.id));
    const { request } = interaction.record;
    const client = await deps.clients.find(request.clientId);
    if (client === undefined) throw new InvalidInteraction();
    const user = await deps.store.users.findById(session.userId);
    const page = renderConsentPage({
      // SECURITY.md: consent names the client as registered and describes each scope in plain words.
      clientName: client.clientName,
      scopeDescriptions: describeScopes(deps.config.scopes, request.scope),
      username: user?.username ?? null,
      interactionId: interaction.id,
      csrfToken: interaction.csrfToken,
      redirectUri: request.redirectUri,
    });
    return withCookies(pageResponse(page));
  } catch (error) {
    return failure(error, undefined, info.requestId);
  }
}

/** POST /consent: checks the interaction, its CSRF token and the session, then applies the decision. */
export async function decideConsent(deps: AuthorizationDeps, body: unknown, info: RequestInfo): Promise<FlowReply> {
  const now = epochNow();
  try {
    const parameters = readParameters(body, deps.config.limits.parameterBytes);
    const interaction = await findInteraction({ store: deps.store, issuer: deps.config.issuer }, info.cookies, parameters.get('interaction'), now);
    if (interaction === undefined) throw new InvalidInteraction();
    // SECURITY.md: a form POST without the interaction's anti-CSRF token, or with a wrong one, is rejected.
    if (!verifyInteractionCsrf(interaction, parameters.get(CSRF_FIELD))) throw new InvalidCsrfToken();
    const decision = parameters.get('decision');
    if (decision !== 'allow' && decision !== 'deny') throw new InvalidRequest({ description: 'The consent form was sent without a decision.' });
    const session = await findLiveSession(deps, info.cookies, now);
    if (session === undefined) throw new InvalidInteraction();
    // Single use: a replayed or doubled form decides nothing.
    if (!(await completeInteraction({ store: deps.store, issuer: deps.config.issuer }, interaction, now))) throw new InvalidInteraction();
    return await applyDecision(deps, interaction, session, decision === 'allow', info, now);
  } catch (error) {
    return failure(error, undefined, info.requestId);
  }
}

async function applyDecision(
  deps: AuthorizationDeps,
  interaction: Interaction,
  session: SessionRecord,
  allowed: boolean,
  info: RequestInfo,
  now: number,
): Promise<FlowReply> {
  const { request } = interaction.record;
  const target = targetOf(request, deps.config.issuer);
  const cookies = [clearInteractionCookie(deps.config.issuer)];
  const event = { userId: session.userId, clientId: request.clientId };
  if (!allowed) {
    deps.events.emit({ type: 'consent.denied', ...event }, info.eventContext);
    // SECURITY.md: Deny returns access_denied with state (and iss) to the client.
    return failure(new AccessDenied({ description: 'The person denied the request.' }), target, info.requestId, cookies);
  }
  const earlier = await deps.store.consents.find(session.userId, request.clientId);
  // Remembered as the union with earlier consent, so allowing a new scope keeps the old ones.
  const scope = mergeScopes(earlier?.scope ?? '', request.scope);
  await deps.store.consents.save({ ...event, scope, createdAt: earlier?.createdAt ?? now, updatedAt: now });
  deps.events.emit({ type: 'consent.granted', ...event, scope: request.scope }, info.eventContext);
  try {
    const reply = await issueAndRespond(deps, { request, target, eventContext: info.eventContext, now }, session);
    return withCookies(reply, cookies);
  } catch (error) {
    return failure(error, target, info.requestId, cookies);
  }
}
