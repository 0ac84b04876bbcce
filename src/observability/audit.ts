// The audit trail: every domain event is appended to the store's hash-chained audit log.
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import type { EventBus, EventContext, GatehouseEvent } from './events.js';
import type { AuditEventInput } from '../store/records.js';

export function toAuditEvent(event: GatehouseEvent, context: EventContext, now: number): AuditEventInput {
  const { type, ...facts } = event;
  const { clientId, userId, ...details } = facts as { clientId?: string; userId?: string } & Record<string, unknown>;
  return {
    type,
    occurredAt: now,
    requestId: context.requestId ?? null,
    clientId: clientId ?? null,
    userId: userId ?? null,
    ip: context.ip ?? null,
    userAgent: context.userAgent ?? null,
    details: context.actor ? { ...details, actor: context.actor } : details,
  };
}

/** Subscribes the audit writer; the bus reports a failed write and never fails the flow that emitted. */
export function attachAudit(bus: EventBus, store: Store, clock: Clock): void {
  bus.subscribe(async (event, context) => {
    await store.audit.append(toAuditEvent(event, context, clock()));
  });
}
