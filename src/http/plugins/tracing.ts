// A span per request (OpenTelemetry HTTP server conventions): method, route template and status, and the OAuth client,
// grant type and flow once known. Storage spans nest under it. Never a header, query or body value beyond those.
import { context, SpanKind, SpanStatusCode, trace, type Context, type Tracer } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { grantTypeOrOther } from '../../store/records.js';
import { UNMATCHED_ROUTE } from './request-log.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's span and its context, while tracing is on. */
    traceContext: Context | null;
  }
}

function grantTypeOf(request: FastifyRequest): string | undefined {
  const body = request.body as Record<string, unknown> | null | undefined;
  const grantType = typeof body === 'object' && body !== null ? body.grant_type : undefined;
  // Only a grant Gatehouse serves becomes an attribute; anything else a caller sends is `other`.
  return grantType === undefined ? undefined : grantTypeOrOther(grantType);
}

function endSpan(request: FastifyRequest, reply: FastifyReply): void {
  const span = request.traceContext && trace.getSpan(request.traceContext);
  if (!span) return;
  const grantType = grantTypeOf(request);
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, reply.statusCode);
  if (request.clientId !== null) span.setAttribute('oauth.client_id', request.clientId);
  if (grantType !== undefined) span.setAttribute('oauth.grant_type', grantType);
  if (request.flowId !== null) span.setAttribute('gatehouse.flow_id', request.flowId);
  // The RFC error code the request was answered with: fixed words, never a description or cause.
  if (request.errorCode !== null) span.setAttribute(ATTR_ERROR_TYPE, request.errorCode);
  // Server spans: only a 5xx is the server's failure (a 4xx is the caller's).
  if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: request.errorCode ?? String(reply.statusCode) });
  span.end();
}

/** Registered before every other hook, so they, the handler and its storage calls all run inside the request's span. */
export function registerTracing(app: FastifyInstance, tracer: Tracer | undefined): void {
  if (tracer === undefined) return;
  app.decorateRequest('traceContext', null);
  app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const attributes = { [ATTR_HTTP_REQUEST_METHOD]: request.method, [ATTR_HTTP_ROUTE]: route };
    const span = tracer.startSpan(`${request.method} ${route}`, { kind: SpanKind.SERVER, attributes });
    request.traceContext = trace.setSpan(context.active(), span);
    context.with(request.traceContext, done);
  });
  app.addHook('onResponse', (request, reply, done) => {
    endSpan(request, reply);
    done();
  });
}
