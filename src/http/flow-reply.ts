// Hands the framework-neutral flows what they need of a request, and sends their answer.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FlowReply, RequestInfo } from '../protocol/flow.js';
import { clientIdentifier, eventContext, flowJoiner } from './event-context.js';
import { logError } from './plugins/error-handler.js';

export function requestInfo(request: FastifyRequest): RequestInfo {
  return { cookies: request.cookies, requestId: request.id, eventContext: eventContext(request), joinFlow: flowJoiner(request), identifyClient: clientIdentifier(request) };
}

/** Copies the flow's answer onto the reply; an error it answered is logged as the error handler would (cause included). */
export function sendFlowReply(request: FastifyRequest, reply: FastifyReply, flow: FlowReply): FastifyReply {
  if (flow.error !== undefined) logError(request, flow.error, flow.subject);
  if (flow.cookies.length > 0) reply.header('set-cookie', [...flow.cookies]);
  return reply.code(flow.status).headers(flow.headers).send(flow.body);
}
