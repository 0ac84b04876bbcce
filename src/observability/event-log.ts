// Domain events as log lines, so an operator sees security events next to the requests that caused them.
import { SECURITY_EVENT_TYPES, type EventBus, type EventContext, type EventType, type GatehouseEvent } from './events.js';
import type { Logger } from './logger.js';

/** Security events, and a relying party not told of a logout (its session there may live on): an operator should look. */
const WARN_EVENTS: ReadonlySet<EventType> = new Set<EventType>([...SECURITY_EVENT_TYPES, 'logout.delivery_failed']);

/** The routine steps of every successful flow: useful when tracing one, noise otherwise. */
const DEBUG_EVENTS: ReadonlySet<EventType> = new Set<EventType>([
  'authorization_request.pushed', 'code.issued', 'code.redeemed', 'token.issued', 'refresh_token.rotated', 'token.failed',
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
    const { requestId, ip, userAgent, actor, flowId } = context;
    logger[eventLogLevel(type)]({ event: type, ...facts, reqId: requestId ?? undefined, flowId: flowId ?? undefined, ip, userAgent, actor }, `event ${type}`);
  });
}
