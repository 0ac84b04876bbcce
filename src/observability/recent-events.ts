// The ops dashboard's debug memory, per instance and bounded: the latest refused token requests, and the events of
// the latest flows by flow id (a flow served by several instances shows here only the steps this one served).
import type { Clock } from '../clock.js';
import type { EventBus, EventContext, GatehouseEvent } from './events.js';
import { RingBuffer } from './ring-buffer.js';

export interface FailedTokenRequest {
  readonly at: number;
  readonly clientId: string | null;
  readonly grantType: string | null;
  readonly error: string;
  readonly reason: string | null;
  readonly ip: string | null;
  readonly requestId: string | null;
  readonly flowId: string | null;
}

export interface FlowEvent {
  readonly at: number;
  readonly type: GatehouseEvent['type'];
  readonly requestId: string | null;
  readonly ip: string | null;
  /** The event's other fields as text, in the event's order (events never carry a secret). */
  readonly facts: readonly (readonly [string, string])[];
}

export interface RecentFlow {
  readonly flowId: string;
  readonly events: readonly FlowEvent[];
}

export interface RecentEventLimits {
  readonly failedTokenRequests: number;
  readonly flows: number;
  readonly eventsPerFlow: number;
}

export const RECENT_EVENT_LIMITS: RecentEventLimits = { failedTokenRequests: 100, flows: 200, eventsPerFlow: 50 };

const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

export class RecentEvents {
  private readonly failures: RingBuffer<FailedTokenRequest>;
  /** Insertion order is age: the first key is the flow seen first, dropped when the map is full. */
  private readonly flows = new Map<string, RingBuffer<FlowEvent>>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: RecentEventLimits = RECENT_EVENT_LIMITS,
  ) {
    this.failures = new RingBuffer(limits.failedTokenRequests);
  }

  record(event: GatehouseEvent, context: EventContext): void {
    const at = this.clock();
    if (event.type === 'token.failed') {
      const { clientId, grantType, error, reason } = event;
      this.failures.push({ at, clientId, grantType, error, reason, ip: context.ip ?? null, requestId: context.requestId ?? null, flowId: context.flowId ?? null });
    }
    if (context.flowId) this.recordInFlow(context.flowId, event, context, at);
  }

  /** Newest first. */
  failedTokenRequests(): readonly FailedTokenRequest[] {
    return this.failures.toArray().reverse();
  }

  /** The flow's events oldest first, or undefined when this instance has not seen it (or has forgotten it). */
  flow(flowId: string): readonly FlowEvent[] | undefined {
    return this.flows.get(flowId)?.toArray();
  }

  /** The flows most recently started first. */
  recentFlows(): readonly RecentFlow[] {
    return [...this.flows].reverse().map(([flowId, events]) => ({ flowId, events: events.toArray() }));
  }

  private recordInFlow(flowId: string, event: GatehouseEvent, context: EventContext, at: number): void {
    let events = this.flows.get(flowId);
    if (events === undefined) {
      const oldest = this.flows.keys().next();
      if (this.flows.size >= this.limits.flows && oldest.done !== true) this.flows.delete(oldest.value);
      events = new RingBuffer(this.limits.eventsPerFlow);
      this.flows.set(flowId, events);
    }
    const { type, ...facts } = event;
    events.push({ at, type, requestId: context.requestId ?? null, ip: context.ip ?? null, facts: Object.entries(facts).map(([name, value]) => [name, asText(value)]) });
  }
}

/** Subscribes a new debug memory to the bus. */
export function attachRecentEvents(bus: EventBus, clock: Clock, limits?: RecentEventLimits): RecentEvents {
  const recent = new RecentEvents(clock, limits);
  bus.subscribe((event, context) => recent.record(event, context));
  return recent;
}
