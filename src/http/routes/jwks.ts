// GET /jwks: the published signing keys (active, next, retired-but-unexpired), cacheable by clients.
import type { FastifyInstance } from 'fastify';
import type { ServerMetadata } from '../../discovery/server-metadata.js';
import { rejectOtherMethods } from '../plugins/error-handler.js';

export const JWKS_PATH = '/jwks';

/** What the route needs of the key ring: the JWKS document, serialised once per key change. */
export interface JwksPublisher {
  jwksJson(): string;
}

export function registerJwksRoute(app: FastifyInstance, keys: JwksPublisher, metadata: ServerMetadata, maxAge: number): void {
  metadata.contribute({ jwks_uri: metadata.endpointUrl(JWKS_PATH) });
  app.get(JWKS_PATH, async (_request, reply) =>
    reply
      .header('content-type', 'application/jwk-set+json; charset=utf-8')
      .header('cache-control', `public, max-age=${maxAge}`)
      .header('access-control-allow-origin', '*')
      .send(keys.jwksJson()),
  );
  rejectOtherMethods(app, JWKS_PATH, ['GET']);
}
