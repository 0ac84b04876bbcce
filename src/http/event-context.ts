// Who caused an event and from where, read once from the request (the IP honours `trustProxy`).
import type { FastifyRequest } from 'fastify';
import type { EventContext } from '../observability/events.js';

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

export function eventContext(request: FastifyRequest): EventContext {
  const userAgent = request.headers['user-agent'];
  // The one place a request's User-Agent enters: audit rows, refresh tokens, events and logs all get the bounded value.
  return { requestId: request.id, ip: request.ip, userAgent: typeof userAgent === 'string' ? truncateUserAgent(userAgent) : null };
}
