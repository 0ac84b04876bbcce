// Who caused an event and from where, read once from the request (the IP honours `trustProxy`).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EventContext } from '../observability/events.js';
import type { IdentifyClient, JoinFlow } from '../observability/flow-id.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authorization flow this request belongs to, once a flow step has joined it to one. */
    flowId: string | null;
    /** The client the request is for, once authenticated or validated: for its log line and span, never from raw input. */
    clientId: string | null;
    /** The RFC error code the request was answered with, once one was (fixed words: logged and traced). */
    errorCode: string | null;
  }
}

/** SECURITY.md (logs and audit): user agents are cut to this many bytes wherever they are stored or logged. */
export const MAX_USER_AGENT_BYTES = 512;

const encoder = new TextEncoder();

/** The longest prefix of `value` within MAX_USER_AGENT_BYTES of UTF-8; `encodeInto` never writes part of a character. */
export function truncateUserAgent(value: string): string {
  // A string of at most MAX/3 UTF-16 units encodes to at most MAX bytes, so most values skip the encoding.
  if (value.length <= MAX_USER_AGENT_BYTES / 3) return value;
  const { read } = encoder.encodeInto(value, new Uint8Array(MAX_USER_AGENT_BYTES));
  return value.slice(0, read);
}

/** Every request starts outside any flow, for no known client, without an error. */
export function registerCorrelation(app: FastifyInstance): void {
  app.decorateRequest('flowId', null);
  app.decorateRequest('clientId', null);
  app.decorateRequest('errorCode', null);
}

export function eventContext(request: FastifyRequest): EventContext {
  const userAgent = request.headers['user-agent'];
  // The one place a request's User-Agent enters: audit rows, refresh tokens, events and logs all get the bounded value.
  const bounded = typeof userAgent === 'string' ? truncateUserAgent(userAgent) : null;
  // A getter: a flow step joins the request to its flow after the context was handed out, and later events carry it.
  return {
    requestId: request.id,
    ip: request.ip,
    userAgent: bounded,
    get flowId() {
      return request.flowId;
    },
  };
}

/** Joins `request` to a flow: its later events and its log line carry the flow id. */
export function flowJoiner(request: FastifyRequest): JoinFlow {
  return (flowId, clientId) => {
    request.flowId = flowId;
    if (clientId !== undefined) request.clientId = clientId;
  };
}

/** Records the client `request` is for, once a flow step has validated it as registered (never raw input). */
export function clientIdentifier(request: FastifyRequest): IdentifyClient {
  return (clientId) => {
    request.clientId = clientId;
  };
}
