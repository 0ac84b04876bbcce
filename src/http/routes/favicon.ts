// GET /favicon.ico: browsers ask for it beside every page. No icon, a long cache so they stop asking, no log lines.
import type { FastifyInstance } from 'fastify';

const ONE_WEEK = 7 * 24 * 60 * 60;

export function registerFaviconRoute(app: FastifyInstance): void {
  app.get('/favicon.ico', { logLevel: 'silent' }, async (_request, reply) => {
    return reply.code(204).header('cache-control', `public, max-age=${ONE_WEEK}`).send();
  });
}
