// The audit trail: every domain event is appended to the store's hash-chained audit log.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Clock } from '../clock.js';
import type { AuditRepository, SealedStore } from '../store/store.js';
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

/** The most events one transaction appends; a longer queue is written in several. */
export const MAX_AUDIT_BATCH = 256;

interface QueuedEvent {
  readonly input: AuditEventInput;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for the audit trail: events emitted while a batch is being written wait and go together in the next
 * one, so concurrent requests share one lock of the chain head and one commit instead of taking one each. The queue
 * is bounded by what is in flight, since every response waits for its own events (registerEventSettlement).
 */
export class AuditBatcher {
  private queue: QueuedEvent[] = [];
  private writing: Promise<void> | undefined;

  constructor(private readonly audit: Pick<AuditRepository, 'appendMany'>) {}

  append(input: AuditEventInput): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.writing ??= this.writeQueued();
    });
  }

  private async writeQueued(): Promise<void> {
    // One turn of the event loop first: the other requests of this turn add their events to the batch.
    await nextTurn();
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_AUDIT_BATCH);
      await this.appendBatch(batch);
    }
    this.writing = undefined;
  }

  private async appendBatch(batch: readonly QueuedEvent[]): Promise<void> {
    try {
      await this.audit.appendMany(batch.map((queued) => queued.input));
      for (const queued of batch) queued.resolve();
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      // One event the database refuses must not take its neighbours with it: each is tried on its own.
      for (const queued of batch) await this.appendBatch([queued]);
    }
  }
}

/**
 * Subscribes the audit writer; the bus reports a failed write and never fails the flow that emitted. Only a store
 * opened with the audit sealer can be given, so every append re-seals the chain head.
 */
export function attachAudit(bus: EventBus, store: Pick<SealedStore, 'audit'>, clock: Clock): void {
  const batcher = new AuditBatcher(store.audit);
  bus.subscribe(async (event, context) => {
    if (UNAUDITED_EVENT_TYPES.has(event.type)) return;
    await batcher.append(toAuditEvent(event, context, clock()));
  });
}
