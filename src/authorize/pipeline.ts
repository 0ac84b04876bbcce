// The authorization endpoint's validation (RFC 6749 §4.1.1, RFC 7636, OIDC Core §3.1.2): an ordered list of small steps.
import type { ClientLookup } from '../clients/lookup.js';
import type { Config } from '../config/schema.js';
import { InvalidClientRequest, type OAuthError } from '../errors/oauth-errors.js';
import { toOAuthError } from '../protocol/error-responses.js';
import { readParameters } from '../protocol/parameters.js';
import type { AuthorizationRequestRecord, ClientRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { splitResourceParameters } from '../protocol/resource-indicators.js';
import type { AuthorizationTarget } from '../protocol/authorization-response.js';
import { checkClient } from './steps/check-client.js';
import { checkDpopJkt } from './steps/check-dpop-jkt.js';
import { checkMaxAge } from './steps/check-max-age.js';
import { checkPkce } from './steps/check-pkce.js';
import { checkPrompt } from './steps/check-prompt.js';
import { checkPushedRequestRequirement } from './steps/check-pushed-request.js';
import { checkRedirectUri } from './steps/check-redirect-uri.js';
import { checkRequestSize } from './steps/check-request-size.js';
import { rejectRequestObjects } from './steps/check-request-object.js';
import { checkResponseMode } from './steps/check-response-mode.js';
import { checkResources } from './steps/check-resources.js';
import { checkResponseType } from './steps/check-response-type.js';
import { checkScope } from './steps/check-scope.js';
import { readOpenIdParameters } from './steps/read-openid-parameters.js';
import type { StepInput } from './steps/step.js';

export interface PipelineDeps {
  readonly clients: Pick<ClientLookup, 'find'>;
  readonly store: Pick<Store, 'apis'>;
  readonly config: Pick<Config, 'issuer' | 'limits' | 'par'>;
}

/** A valid request, or the error with where it may be sent (no target: the person sees a page) and the client if known. */
export type ValidationResult =
  | { readonly ok: true; readonly client: ClientRecord; readonly request: AuthorizationRequestRecord; readonly target: AuthorizationTarget }
  | {
      readonly ok: false;
      readonly error: OAuthError;
      readonly target: AuthorizationTarget | undefined;
      readonly client: ClientRecord | undefined;
    };

/** One parameter read on its own, so a repeated or oversized one is caught before the full parameter set is read. */
export function readOne(source: unknown, name: string, maxBytes: number): string | undefined {
  const value = typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[name] : undefined;
  return readParameters(value === undefined ? {} : { [name]: value }, maxBytes).get(name);
}

/** Why each parameter a redirect needs could not be read; fixed text per parameter, never its value. */
const UNREADABLE_TARGET_PARAMETER = {
  client_id: 'The client_id parameter is repeated or too large.',
  redirect_uri: 'The redirect_uri parameter is repeated or too large.',
  state: 'The state parameter is repeated or too large to send back to the application.',
} as const;

/**
 * A parameter the redirect itself needs, read before any target exists; a failure is a page (InvalidClientRequest).
 * For state: RFC 6749 §4.1.2.1 lets an error go unredirected only while the redirect URI is unvalidated, but a reply
 * without the state the client sent is one it cannot correlate (and, with state as its CSRF defence, must discard),
 * so a state that cannot be returned is shown to the person instead: SECURITY.md (authorization endpoint).
 */
export function readTargetParameter(source: unknown, name: keyof typeof UNREADABLE_TARGET_PARAMETER, maxBytes: number): string | undefined {
  try {
    return readOne(source, name, maxBytes);
  } catch (error) {
    throw new InvalidClientRequest({ description: UNREADABLE_TARGET_PARAMETER[name], cause: error });
  }
}

/** Runs `read`; an error is kept to be thrown once the target is known, so it can be redirected. */
function attempt<T>(read: () => T, fallback: T): { readonly value: T; readonly error?: OAuthError } {
  try {
    return { value: read() };
  } catch (error) {
    return { value: fallback, error: toOAuthError(error) };
  }
}

/**
 * How the request reached the pipeline: sent to /authorize directly, or pushed (RFC 9126): checked at /par, then the
 * stored parameters at /authorize in place of its query.
 */
export type RequestDelivery = 'direct' | 'pushed';

/**
 * Validates a query string (GET), form body (POST) or pushed request's parameters. Order matters: client_id,
 * redirect_uri and state (failures are pages), then response_mode (so later errors can be sent back), then the steps
 * below in the order listed, then the size of the whole request.
 */
export async function validateAuthorizationRequest(deps: PipelineDeps, source: unknown, delivery: RequestDelivery): Promise<ValidationResult> {
  const maxBytes = deps.config.limits.parameterBytes;
  let target: AuthorizationTarget | undefined;
  let client: ClientRecord | undefined;
  try {
    client = await checkClient(deps.clients, readTargetParameter(source, 'client_id', maxBytes));
    const { redirectUri, redirectUriSent } = checkRedirectUri(client, readTargetParameter(source, 'redirect_uri', maxBytes));
    const state = readTargetParameter(source, 'state', maxBytes) ?? null;
    const responseMode = attempt(() => checkResponseMode(readOne(source, 'response_mode', maxBytes)), 'query' as const);
    target = { redirectUri, state, responseMode: responseMode.value, issuer: deps.config.issuer };
    if (responseMode.error !== undefined) throw responseMode.error;
    // RFC 6749 §3.1: no parameter may be repeated or oversized (checked for all of them now that errors can be redirected),
    // except resource, which RFC 8707 §2 lets repeat.
    const { resources, rest } = splitResourceParameters(source, maxBytes);
    const apiAccess = await deps.store.apis.listForClient(client.clientId);
    const input: StepInput = { parameters: readParameters(rest, maxBytes), client, resources, apiAccess, pushed: delivery === 'pushed', par: deps.config.par };
    const request = runSteps(input, { clientId: client.clientId, redirectUri, redirectUriSent, state, responseMode: responseMode.value });
    checkRequestSize(request, deps.config.limits.interactionBytes);
    return { ok: true, client, request, target };
  } catch (error) {
    return { ok: false, error: toOAuthError(error), target, client };
  }
}

type Validated = Pick<AuthorizationRequestRecord, 'clientId' | 'redirectUri' | 'redirectUriSent' | 'state' | 'responseMode'>;

/** The redirectable checks, in the order their errors are reported. */
function runSteps(input: StepInput, validated: Validated): AuthorizationRequestRecord {
  checkPushedRequestRequirement(input);
  rejectRequestObjects(input);
  checkResponseType(input);
  const pkce = checkPkce(input);
  const { resources } = checkResources(input);
  return {
    ...validated,
    ...pkce,
    resources,
    ...checkScope(input, resources),
    ...checkPrompt(input),
    ...checkMaxAge(input),
    ...readOpenIdParameters(input),
    ...checkDpopJkt(input),
  };
}
