// GET /metrics: the Prometheus text format, for a scraper holding metrics.bearerToken (open in dev mode).
import type { FastifyInstance } from 'fastify';
import type { GatehouseMetrics } from '../../observability/metrics.js';
import { mayScrape, scrapeRefused, type ScrapeAccess } from '../metrics-access.js';
import { rejectOtherMethods } from '../plugins/error-handler.js';

export const METRICS_PATH = '/metrics';

export function registerMetricsRoute(app: FastifyInstance, metrics: GatehouseMetrics, access: ScrapeAccess): void {
  // Never shed: an overloaded process is when its metrics matter most.
  app.get(METRICS_PATH, { config: { errorChannel: 'bearer', neverShed: true } }, async (request, reply) => {
    if (!mayScrape(request.headers.authorization, access)) throw scrapeRefused();
    const { contentType, body } = await metrics.scrape();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  });
  rejectOtherMethods(app, METRICS_PATH, ['GET']);
}
