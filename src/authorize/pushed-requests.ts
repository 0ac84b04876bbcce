// Pushed authorization requests (RFC 9126): a request validated and stored at /par, then used once at /authorize.
import type { ClientLookup } from '../clients/lookup.js';
import type { Config } from '../config/schema.js';
import { InvalidDpopProof, InvalidRequestUri, type OAuthError } from '../errors/oauth-errors.js';
import type { EventBus, EventContext } from '../observability/events.js';
import { toOAuthError } from '../protocol/error-responses.js';
import type { Parameters } from '../protocol/parameters.js';
import type { ClientRecord, PushedAuthorizationRequestRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { generateOpaqueValue, hashOpaqueValue } from '../tokens/opaque.js';
import { readOne, readTargetParameter, validateAuthorizationRequest, type PipelineDeps } from './pipeline.js';
import { authorizationFailed } from './authorization-failure.js';
import { checkClient } from './steps/check-client.js';
import { checkRequestSize } from './steps/check-request-size.js';

/** RFC 9126 §2.2: the request_uri is this URN followed by 256 random bits (base64url); the store keeps its hash. */
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';

/** Client authentication (RFC 6749 §2.3.1, RFC 7521 §4.2): not part of the authorization request, never stored. */
const CLIENT_AUTHENTICATION_PARAMETERS: ReadonlySet<string> = new Set(['client_secret', 'client_assertion', 'client_assertion_type']);

type PushedParameters = PushedAuthorizationRequestRecord['parameters'];

export interface PushDeps extends PipelineDeps {
  readonly store: Pick<Store, 'apis' | 'pushedAuthorizationRequests'>;
  readonly events: EventBus;
}

/**
 * An authenticated call to /par: the client, its body parameters (`resource` apart, RFC 8707 §2), the thumbprint of
 * the key of its accepted DPoP proof if it sent one (RFC 9449 §10.1), origin and time.
 */
export interface PushCall {
  readonly client: ClientRecord;
  readonly parameters: Parameters;
  readonly resources: readonly string[];
  readonly dpopJkt: string | undefined;
  readonly origin: EventContext;
  readonly now: number;
}

/** RFC 9126 §2.2: the answer to a pushed request. */
export interface PushResponse {
  readonly request_uri: string;
  readonly expires_in: number;
}

/**
 * The authorization request of a call to /par, exactly as /authorize would read it from a query: every parameter but
 * client authentication ones, so any the steps come to read later (such as DPoP's `dpop_jkt`) flows through unchanged.
 * @throws InvalidDpopProof when a pushed dpop_jkt is not the thumbprint of the push's DPoP proof key (RFC 9449 §10.1)
 */
function authorizationParametersOf(call: PushCall): PushedParameters {
  const parameters: Record<string, string | readonly string[]> = {};
  for (const [name, value] of call.parameters) if (!CLIENT_AUTHENTICATION_PARAMETERS.has(name)) parameters[name] = value;
  // RFC 9126 §2.1: the authenticated client is the request's client; a client_id naming another was refused at
  // authentication, and one left to a Basic header is filled in, as /authorize requires it (RFC 6749 §4.1.1).
  parameters.client_id = call.client.clientId;
  if (call.resources.length > 0) parameters.resource = call.resources;
  if (call.dpopJkt !== undefined) {
    // RFC 9449 §10.1: the proof's key is the request's dpop_jkt, so the code is bound to it; one sent beside it must agree.
    const sent = parameters.dpop_jkt;
    if (sent !== undefined && sent !== call.dpopJkt) throw new InvalidDpopProof({ cause: new Error('dpop_jkt does not match the DPoP proof key') });
    parameters.dpop_jkt = call.dpopJkt;
  }
  return parameters;
}

/**
 * Validates a pushed request with the very steps /authorize runs and stores it for `par.requestLifetime` seconds.
 * @throws the first OAuthError a step finds: RFC 9126 §2.3 answers it to the client as JSON, never at the redirect URI.
 */
export async function pushAuthorizationRequest(deps: PushDeps, call: PushCall): Promise<PushResponse> {
  const parameters = authorizationParametersOf(call);
  const validation = await validateAuthorizationRequest(deps, parameters, 'pushed');
  if (!validation.ok) {
    deps.events.emit(authorizationFailed('par', validation.client?.clientId, validation.error), call.origin);
    throw validation.error;
  }
  // SECURITY.md (pushed authorization requests): a public client_id is enough to push, so what is stored, parameters
  // the steps do not read included, is bounded like an interaction.
  checkRequestSize(parameters, deps.config.limits.interactionBytes);
  const reference = generateOpaqueValue(32);
  const lifetime = deps.config.par.requestLifetime;
  const expiresAt = call.now + lifetime;
  const { clientId } = call.client;
  await deps.store.pushedAuthorizationRequests.create({ requestHash: hashOpaqueValue(reference), clientId, parameters, createdAt: call.now, expiresAt, consumedAt: null });
  deps.events.emit({ type: 'authorization_request.pushed', clientId, expiresAt }, call.origin);
  return { request_uri: `${REQUEST_URI_PREFIX}${reference}`, expires_in: lifetime };
}

export interface UsePushedDeps {
  readonly clients: Pick<ClientLookup, 'find'>;
  readonly store: Pick<Store, 'pushedAuthorizationRequests'>;
  readonly events: EventBus;
  readonly config: Pick<Config, 'limits'>;
}

/** What /authorize does with its query: validate it as sent, use a pushed request instead, or refuse with a page. */
export type PushedRequestUse =
  | { readonly kind: 'direct' }
  | { readonly kind: 'pushed'; readonly parameters: PushedParameters }
  | { readonly kind: 'refused'; readonly error: OAuthError; readonly client: ClientRecord | undefined };

/**
 * RFC 9126 §4: a request carrying request_uri is the pushed request it names, which its client uses once; every other
 * query parameter is ignored. The request_uri is spent here, before the pushed parameters are validated again.
 * Every refusal is a page, never a redirect: the redirect URI is inside the pushed request, and an unknown, expired,
 * used or other client's request_uri gives none that can be trusted (SECURITY.md (authorization endpoint)).
 */
export async function usePushedRequest(deps: UsePushedDeps, source: unknown, origin: EventContext, now: number): Promise<PushedRequestUse> {
  const maxBytes = deps.config.limits.parameterBytes;
  let client: ClientRecord | undefined;
  try {
    const requestUri = readRequestUri(source, maxBytes);
    // Any other request_uri (a request object by reference) is refused by the steps like any other parameter.
    if (requestUri === undefined || !requestUri.startsWith(REQUEST_URI_PREFIX)) return { kind: 'direct' };
    // RFC 9126 §4: client_id is required beside request_uri, and names the client that pushed it.
    client = await checkClient(deps.clients, readTargetParameter(source, 'client_id', maxBytes));
    const reference = requestUri.slice(REQUEST_URI_PREFIX.length);
    const used = await deps.store.pushedAuthorizationRequests.consume(hashOpaqueValue(reference), client.clientId, now);
    // RFC 9126 §4: a request_uri is used once; a second use is a reload, or someone else holding it.
    if (used.outcome === 'replayed') deps.events.emit({ type: 'request_uri.replayed', clientId: client.clientId }, origin);
    if (used.outcome !== 'redeemed') throw new InvalidRequestUri({ cause: new Error(`request_uri ${used.outcome} for this client`) });
    return { kind: 'pushed', parameters: used.record.parameters };
  } catch (error) {
    return { kind: 'refused', error: toOAuthError(error), client };
  }
}

/** The request_uri parameter, or undefined; a repeated or oversized one cannot be used, whatever it names. */
function readRequestUri(source: unknown, maxBytes: number): string | undefined {
  try {
    return readOne(source, 'request_uri', maxBytes);
  } catch (error) {
    throw new InvalidRequestUri({ cause: error });
  }
}
