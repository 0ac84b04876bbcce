// The event of a refused authorization request, with the one word saying which check refused it.
import type { OAuthError } from '../errors/oauth-errors.js';
import type { AuthorizationFailureReason, GatehouseEvent } from '../observability/events.js';

function failureReasonOf(error: OAuthError): AuthorizationFailureReason {
  switch (error.reason) {
    case 'client':
    case 'redirect_uri':
    case 'pkce':
    case 'scope':
      return error.reason;
    default:
      return error.code === 'invalid_request' ? 'request' : 'other';
  }
}

/** `clientId` only when the request named a registered client. */
export function authorizationFailed(endpoint: 'authorize' | 'par', clientId: string | undefined, error: OAuthError): GatehouseEvent {
  return { type: 'authorization.failed', endpoint, clientId: clientId ?? null, error: error.code, reason: failureReasonOf(error) };
}
