// The access log: exactly one line per request (Fastify's own two are turned off in app.ts), with the request id, the
// flow id and client once known, the route template and the URL without query values; never a header or body.
import type { FastifyInstance } from 'fastify';
import { redactUrl } from '../../observability/logger.js';

/** Fastify's route template, or `unmatched` for a path no route serves (as the metrics label it). */
export const UNMATCHED_ROUTE = 'unmatched';

export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    // request.log is bound to the request id (reqId); the rest is read once the answer is sent.
    request.log.info(
      {
        flowId: request.flowId ?? undefined,
        clientId: request.clientId ?? undefined,
        method: request.method,
        route: request.routeOptions.url ?? UNMATCHED_ROUTE,
        url: redactUrl(request.url),
        status: reply.statusCode,
        error: request.errorCode ?? undefined,
        ip: request.ip,
        responseTime: reply.elapsedTime,
      },
      'request completed',
    );
    done();
  });
}
