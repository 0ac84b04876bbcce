// Request metrics: every answered request by route template, and token endpoint latency by grant type.
import type { FastifyInstance } from 'fastify';
import type { GatehouseMetrics } from '../../observability/metrics.js';
import { TOKEN_PATH } from '../routes/token.js';

/** Registers the onResponse hook; routes are labelled by template (`unmatched` for a 404), never by the URL sent. */
export function registerRequestMetrics(app: FastifyInstance, metrics: GatehouseMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    const seconds = reply.elapsedTime / 1000;
    metrics.observeHttpRequest({ route, method: request.method, status: reply.statusCode, seconds });
    if (route === TOKEN_PATH && request.method === 'POST') {
      const body = request.body as Record<string, unknown> | null | undefined;
      metrics.observeTokenRequest(typeof body === 'object' ? body?.grant_type : undefined, seconds);
    }
    done();
  });
}
