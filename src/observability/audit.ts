// The audit trail: every domain event is appended to the store's hash-chained audit log.
import type { Clock } from '../clock.js';
import type { SealedStore } from '../store/store.js';
import { UNAUDITED_EVENT_TYPES, type EventBus, type EventContext, type GatehouseEvent } from './events.js';
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
    details: { ...details, ...(context.actor && { actor: context.actor }), ...(context.flowId && { flowId: context.flowId }) },
  };
}

/** The purpose the audit chain head's seal is keyed for (createMessageAuthentication); a new version means a new key. */
export const AUDIT_CHAIN_PURPOSE = 'audit chain v1';

/**
 * Subscribes the audit writer; the bus reports a failed write and never fails the flow that emitted. Only a store
 * opened with the audit sealer can be given, so every append re-seals the chain head.
 */
export function attachAudit(bus: EventBus, store: Pick<SealedStore, 'audit'>, clock: Clock): void {
  bus.subscribe(async (event, context) => {
    if (UNAUDITED_EVENT_TYPES.has(event.type)) return;
    await store.audit.append(toAuditEvent(event, context, clock()));
  });
}
