// Where a refresh comes from, compared with where its token family was last used (README "Security events").
import type { EventContext, GatehouseEvent } from '../observability/events.js';
import type { FamilyContext } from '../store/records.js';
import { isInNetwork, networkOf, type NetworkPrefixes } from './network.js';
import { userAgentDigest } from './user-agent.js';

/** What differs between a family's context and a refresh's: the event's `change`. */
export type ContextChange = Extract<GatehouseEvent, { type: 'refresh_token.context_changed' }>['change'];

/** The context of a request: its IP's network at the configured prefix lengths and its User-Agent's digest. */
export function contextOf(origin: EventContext, prefixes: NetworkPrefixes): FamilyContext {
  const network = origin.ip ? networkOf(origin.ip, prefixes) : undefined;
  return { network: network ?? null, userAgent: userAgentDigest(origin.userAgent ?? null) };
}

/** Whether the request's IP is in the remembered network; an unknown network matches only an unknown one. */
function sameNetwork(remembered: string | null, origin: EventContext, prefixes: NetworkPrefixes): boolean {
  if (remembered === null) return contextOf(origin, prefixes).network === null;
  return origin.ip ? isInNetwork(origin.ip, remembered) : false;
}

/** What changed since `remembered`, or undefined when the request comes from the family's network and User-Agent. */
export function contextChange(remembered: FamilyContext, origin: EventContext, prefixes: NetworkPrefixes): ContextChange | undefined {
  const network = !sameNetwork(remembered.network, origin, prefixes);
  const userAgent = remembered.userAgent !== userAgentDigest(origin.userAgent ?? null);
  if (network && userAgent) return 'both';
  if (network) return 'network';
  return userAgent ? 'user_agent' : undefined;
}

/** What a successful refresh does to its family's context: the context to move to, and the change to report. */
export interface ContextMove {
  readonly context?: FamilyContext;
  readonly change?: ContextChange;
}

/**
 * The family follows the request to a new context, so one move raises one event rather than one per refresh. A
 * family with no context yet (from before contexts were recorded) takes the request's without an event.
 */
export function moveContext(remembered: FamilyContext | null, origin: EventContext, prefixes: NetworkPrefixes): ContextMove {
  if (remembered === null) return { context: contextOf(origin, prefixes) };
  const change = contextChange(remembered, origin, prefixes);
  return change === undefined ? {} : { context: contextOf(origin, prefixes), change };
}
