// The authorization endpoint and its resume step, framework-neutral: validate, then log in, consent or issue the code.
import { knownApplication } from '../clients/application-home.js';
import { matchRedirectUri } from '../clients/redirect-uri.js';
import { InvalidInteraction } from '../errors/oauth-errors.js';
import { mintFlowId } from '../observability/flow-id.js';
import { targetOf, type AuthorizationTarget } from '../protocol/authorization-response.js';
import { failure } from '../protocol/error-responses.js';
import type { FlowReply, KnownApplication, RequestInfo } from '../protocol/flow.js';
import { DEVICE_CODE_GRANT_TYPE, type AuthorizationRequestRecord, type ClientRecord } from '../store/records.js';
import { continueAuthorization, type AuthorizationDeps } from './continue.js';
import { isDeviceRequest } from './device-decision.js';
import { authorizationFailed } from './authorization-failure.js';
import { findInteraction } from './interactions.js';
import { validateAuthorizationRequest } from './pipeline.js';
import { usePushedRequest } from './pushed-requests.js';

/**
 * GET or POST /authorize: `source` is the parsed query string or form body, or names a pushed request (RFC 9126 §4)
 * whose parameters are validated in its place.
 */
export async function handleAuthorizationRequest(deps: AuthorizationDeps, source: unknown, info: RequestInfo): Promise<FlowReply> {
  const { reply, clientId } = await answerAuthorizationRequest(deps, source, info);
  // An authorization is counted as started once it names a registered client; its refusal, whatever stage refused it.
  // A refused one starts no flow, yet its log line and span name the client all the same.
  if (clientId !== undefined) {
    info.identifyClient(clientId);
    deps.events.emit({ type: 'authorization.requested', clientId }, info.eventContext);
  }
  if (reply.error !== undefined) deps.events.emit(authorizationFailed('authorize', clientId, reply.error), info.eventContext);
  return reply;
}

async function answerAuthorizationRequest(deps: AuthorizationDeps, source: unknown, info: RequestInfo): Promise<{ reply: FlowReply; clientId: string | undefined }> {
  const now = deps.clock();
  const pushed = await usePushedRequest(deps, source, info.eventContext, now);
  if (pushed.kind === 'refused') {
    const application = pushed.client === undefined ? undefined : knownApplication(pushed.client);
    return { reply: failure(pushed.error, undefined, info.requestId, { application }), clientId: pushed.client?.clientId };
  }
  const validation =
    pushed.kind === 'pushed' ? await validateAuthorizationRequest(deps, pushed.parameters, 'pushed') : await validateAuthorizationRequest(deps, source, 'direct');
  const clientId = validation.client?.clientId;
  const application = validation.client === undefined ? undefined : knownApplication(validation.client);
  if (!validation.ok) return { reply: failure(validation.error, validation.target, info.requestId, { application }), clientId };
  try {
    const { client, request, target } = validation;
    // A valid request starts an authorization: every later step of it joins this flow.
    info.joinFlow(mintFlowId(), client.clientId);
    return { reply: await continueAuthorization(deps, { client, request, target, info, now }), clientId };
  } catch (error) {
    return { reply: failure(error, validation.target, info.requestId, { application }), clientId };
  }
}

/** Whether the client may still be answered: its redirect URI is registered, or for a device, its device code grant. */
function stillRegistered(client: ClientRecord, request: AuthorizationRequestRecord): boolean {
  if (isDeviceRequest(request)) return client.grantTypes.includes(DEVICE_CODE_GRANT_TYPE);
  return matchRedirectUri(client, request.redirectUri) !== undefined;
}

/** GET /authorize/resume?interaction=<id>: where login sends the browser back, now with a session. */
export async function resumeAuthorization(deps: AuthorizationDeps, interactionId: string | undefined, info: RequestInfo): Promise<FlowReply> {
  const now = deps.clock();
  let target: AuthorizationTarget | undefined;
  let application: KnownApplication | undefined;
  try {
    const interaction = await findInteraction({ store: deps.store, issuer: deps.config.issuer }, info.cookies, interactionId, now);
    // SECURITY.md (interactions): only the browser that started the interaction may carry it on, and only while it is live.
    if (interaction === undefined) throw new InvalidInteraction({ cause: new Error('resume: no live interaction for this browser') });
    info.joinFlow(interaction.record.flowId, interaction.record.request.clientId);
    const { request } = interaction.record;
    const client = await deps.clients.find(request.clientId);
    // RFC 6749 §3.1.2.3: the client may have changed meanwhile; its redirect URI (or device grant) must still be registered.
    if (client === undefined || !stillRegistered(client, request)) {
      throw new InvalidInteraction({ cause: new Error('resume: client deleted or redirect URI no longer registered') });
    }
    application = knownApplication(client);
    // A device authorization is answered with pages only (RFC 8628 §3.3).
    target = isDeviceRequest(request) ? undefined : targetOf(request, deps.config.issuer);
    return await continueAuthorization(deps, { client, request, target, info, interaction, now });
  } catch (error) {
    return failure(error, target, info.requestId, { application });
  }
}
