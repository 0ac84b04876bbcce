// Every security event type sorted by what it means for an operator, so each reaches the alert that fits it.
import type { EventType } from '../observability/events.js';

/**
 * - replay: a single-use credential (assertion, request_uri, DPoP proof) was presented again and refused.
 * - reuse: a spent code or rotated refresh token came back; it has its own counter, kind-labelled, and alert.
 * - throttling: a defence working; people mistype, so only a surge means guessing.
 * - context_change: a refresh from another network or browser; a signal, nothing was refused.
 */
export type SecurityEventClass = 'replay' | 'reuse' | 'throttling' | 'context_change';

/**
 * Listed by hand rather than derived ("every other type is a replay"): a new type must be placed here, and a test
 * fails while any entry of SECURITY_EVENT_TYPES is missing.
 */
export const SECURITY_EVENT_CLASSES: Readonly<Partial<Record<EventType, SecurityEventClass>>> = {
  'client_assertion.replayed': 'replay',
  'request_uri.replayed': 'replay',
  'dpop_proof.replayed': 'replay',
  // Also counted as authorization_code reuse; nothing is revoked, since the code was never this client's to spend.
  'code.replayed_by_other_client': 'replay',
  'code.replayed': 'reuse',
  'refresh_token.reused': 'reuse',
  'login.throttled': 'throttling',
  'user_code.throttled': 'throttling',
  'refresh_token.context_changed': 'context_change',
};

/** The event types of one class. */
export function securityEventsOf(eventClass: SecurityEventClass): EventType[] {
  return Object.entries(SECURITY_EVENT_CLASSES).filter(([, value]) => value === eventClass).map(([type]) => type as EventType);
}
