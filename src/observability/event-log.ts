// Domain events as log lines, so an operator sees security events next to the requests that caused them.
import type { EventBus, EventContext, EventType, GatehouseEvent } from './events.js';
import type { Logger } from './logger.js';

/** Someone may hold what they should not, or is guessing: an operator should look (SECURITY.md (logs and audit)). */
const WARN_EVENTS: ReadonlySet<EventType> = new Set<EventType>([
  'code.replayed',
  'code.replayed_by_other_client',
  'refresh_token.reused',
  'client_assertion.replayed',
  'request_uri.replayed',
  'dpop_proof.replayed',
  'login.throttled',
  // A relying party was not told of a logout: its session there may live on.
  'logout.delivery_failed',
]);

/** The routine steps of every successful flow: useful when tracing one, noise otherwise. */
const DEBUG_EVENTS: ReadonlySet<EventType> = new Set<EventType>([
  'authorization_request.pushed', 'code.issued', 'code.redeemed', 'token.issued', 'refresh_token.rotated',
]);

export function eventLogLevel(type: EventType): 'warn' | 'info' | 'debug' {
  if (WARN_EVENTS.has(type)) return 'warn';
  return DEBUG_EVENTS.has(type) ? 'debug' : 'info';
}

/**
 * Logs every event with all its fields and where it came from. Generic on purpose: a field added to an event is
 * logged without a change here, and events never carry a secret (the logger's redaction still applies).
 */
export function attachEventLog(bus: EventBus, logger: Logger): void {
  bus.subscribe((event: GatehouseEvent, context: EventContext) => {
    const { type, ...facts } = event;
    const { requestId, ip, userAgent, actor } = context;
    logger[eventLogLevel(type)]({ event: type, ...facts, reqId: requestId ?? undefined, ip, userAgent, actor }, `event ${type}`);
  });
}
