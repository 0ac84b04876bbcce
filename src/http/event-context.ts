// Who caused an event and from where, read once from the request (the IP honours `trustProxy`).
import type { FastifyRequest } from 'fastify';
import type { EventContext } from '../observability/events.js';

export function eventContext(request: FastifyRequest): EventContext {
  const userAgent = request.headers['user-agent'];
  return { requestId: request.id, ip: request.ip, userAgent: typeof userAgent === 'string' ? userAgent : null };
}
