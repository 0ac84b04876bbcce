// GET /jwks: the published signing keys (active, next, retired-but-unexpired), cacheable by clients.
import type { FastifyInstance } from 'fastify';
import type { ServerMetadata } from '../../discovery/server-metadata.js';
import { rejectOtherMethods } from '../plugins/error-handler.js';

export const JWKS_PATH = '/jwks';

/** What the route needs of the key ring: the JWKS document and its ETag, made once per key change. */
export interface JwksPublisher {
  jwks(): { readonly body: string; readonly etag: string };
  /** The algorithms with an active key, RS256 first. */
  signingAlgorithms(): readonly string[];
}

export function registerJwksRoute(app: FastifyInstance, keys: JwksPublisher, metadata: ServerMetadata, maxAge: number): void {
  metadata.contribute({
    jwks_uri: metadata.endpointUrl(JWKS_PATH),
    // OpenID Connect Discovery §3: exactly the algorithms a client can get its ID tokens in, those with a key (RS256
    // always, as the configuration requires it).
    id_token_signing_alg_values_supported: keys.signingAlgorithms(),
  });
  // Browser-based clients verify ID tokens from their own origins.
  app.get(JWKS_PATH, { config: { cors: true } }, (request, reply) => {
    const { body, etag } = keys.jwks();
    reply.header('cache-control', `public, max-age=${maxAge}`).header('etag', etag);
    // RFC 9110 §13.1.2: a verifier revalidating an unchanged key set gets 304 without the body.
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.header('content-type', 'application/jwk-set+json; charset=utf-8').send(body);
  });
  rejectOtherMethods(app, JWKS_PATH, ['GET']);
}
