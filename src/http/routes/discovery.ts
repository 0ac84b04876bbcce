// GET /.well-known/openid-configuration and /.well-known/oauth-authorization-server (RFC 8414 §3).
import type { FastifyInstance } from 'fastify';
import type { ServerMetadata } from '../../discovery/server-metadata.js';
import { rejectOtherMethods } from '../plugins/error-handler.js';

export const DISCOVERY_PATHS = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'] as const;

export function registerDiscoveryRoutes(app: FastifyInstance, metadata: ServerMetadata): void {
  for (const url of DISCOVERY_PATHS) {
    // Discovery is read by browser-based clients from their own origins.
    app.get(url, { config: { cors: true } }, async (_request, reply) =>
      reply.header('content-type', 'application/json; charset=utf-8').header('cache-control', 'public, max-age=300').send(metadata.toJson()),
    );
    rejectOtherMethods(app, url, ['GET']);
  }
}
