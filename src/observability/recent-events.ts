// The ops dashboard's debug memory, per instance and bounded: the latest refused token requests, and the events of
// the latest flows by flow id (a flow served by several instances shows here only the steps this one served). Each
// list caps what one source may hold, and refusals naming a registered client are kept apart from anonymous noise, so
// nobody can flush the evidence without credentials.

import type { Clock } from '../clock.js';
import type { EventBus, EventContext, GatehouseEvent } from './events.js';
import { RingBuffer } from './ring-buffer.js';
import { SourceCappedList } from './source-capped-list.js';

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

/** The config's `dashboard.*` limits (README, configuration reference). */
export interface RecentEventLimits {
  /** In each of the two lists: refusals naming a registered client, and the others. */
  readonly failedTokenRequests: number;
  readonly flows: number;
  readonly eventsPerFlow: number;
  /** Entries one source may hold in a list: a client in the identified list, an IP in the others. */
  readonly perSource: number;
}

interface TrackedFlow {
  readonly flowId: string;
  readonly events: RingBuffer<FlowEvent>;
}

const NO_IP = 'no ip';

const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

export class RecentEvents {
  private readonly identifiedFailures: SourceCappedList<FailedTokenRequest>;
  private readonly anonymousFailures: SourceCappedList<FailedTokenRequest>;
  /** By the IP of the flow's first event: one address starting flows pushes out only its own. */
  private readonly flows: SourceCappedList<TrackedFlow>;

  constructor(
    private readonly clock: Clock,
    private readonly limits: RecentEventLimits,
  ) {
    this.identifiedFailures = new SourceCappedList(limits.failedTokenRequests, limits.perSource);
    this.anonymousFailures = new SourceCappedList(limits.failedTokenRequests, limits.perSource);
    this.flows = new SourceCappedList(limits.flows, limits.perSource);
  }

  record(event: GatehouseEvent, context: EventContext): void {
    const at = this.clock();
    if (event.type === 'token.failed') {
      const { clientId, grantType, error, reason } = event;
      const failure = { at, clientId, grantType, error, reason, ip: context.ip ?? null, requestId: context.requestId ?? null, flowId: context.flowId ?? null };
      if (clientId === null) this.anonymousFailures.push(failure.ip ?? NO_IP, failure);
      else this.identifiedFailures.push(clientId, failure);
    }
    if (context.flowId) this.recordInFlow(context.flowId, event, context, at);
  }

  /** Both lists, newest first. */
  failedTokenRequests(): readonly FailedTokenRequest[] {
    return [...this.identifiedFailures.toArray(), ...this.anonymousFailures.toArray()].reverse().sort((a, b) => b.at - a.at);
  }

  /** The flow's events oldest first, or undefined when this instance has not seen it (or has forgotten it). */
  flow(flowId: string): readonly FlowEvent[] | undefined {
    return this.flows.find((flow) => flow.flowId === flowId)?.events.toArray();
  }

  /** The flows most recently started first. */
  recentFlows(): readonly RecentFlow[] {
    return this.flows.toArray().reverse().map(({ flowId, events }) => ({ flowId, events: events.toArray() }));
  }

  private recordInFlow(flowId: string, event: GatehouseEvent, context: EventContext, at: number): void {
    let events = this.flows.find((flow) => flow.flowId === flowId)?.events;
    if (events === undefined) {
      events = new RingBuffer(this.limits.eventsPerFlow);
      this.flows.push(context.ip ?? NO_IP, { flowId, events });
    }
    const { type, ...facts } = event;
    events.push({ at, type, requestId: context.requestId ?? null, ip: context.ip ?? null, facts: Object.entries(facts).map(([name, value]) => [name, asText(value)]) });
  }
}

/** Subscribes a new debug memory to the bus. */
export function attachRecentEvents(bus: EventBus, clock: Clock, limits: RecentEventLimits): RecentEvents {
  const recent = new RecentEvents(clock, limits);
  bus.subscribe((event, context) => recent.record(event, context));
  return recent;
}
