// Last step: the validated request, as an interaction keeps it, fits `limits.interactionBytes` (SECURITY.md, interactions).
import { InvalidRequest } from '../../errors/oauth-errors.js';
import type { AuthorizationRequestRecord, PushedAuthorizationRequestRecord } from '../../store/records.js';

/**
 * Each parameter is within `limits.parameterBytes`, yet state, nonce, login_hint, scope and redirect URI together could
 * leave ~20 KiB behind per unauthenticated GET; this bounds their sum, measured as JSON, the form the store keeps. A
 * pushed request's parameters, stored whole, are bounded alike.
 */
export function checkRequestSize(request: AuthorizationRequestRecord | PushedAuthorizationRequestRecord['parameters'], maxBytes: number): void {
  if (Buffer.byteLength(JSON.stringify(request), 'utf8') > maxBytes) {
    throw new InvalidRequest({ description: 'The authorization request is too large.' });
  }
}
