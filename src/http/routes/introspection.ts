// POST /introspect (RFC 7662): an authenticated confidential client learns whether a token of its own, or one meant for
// an API it is the resource server of, is active.
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../../app.js';
import { INTROSPECTION_AUTH_METHODS, introspectToken, requireConfidentialClient } from '../../introspection/introspect.js';
import { AccessTokenVerifier } from '../../tokens/access-token.js';
import { readPresentedToken } from '../../tokens/presented-token.js';
import { CLIENT_ASSERTION_ALGORITHMS } from '../../clients/jwk-set.js';
import { registerClientEndpoint } from '../client-endpoint.js';

export const INTROSPECTION_PATH = '/introspect';

export function registerIntrospectionRoute(app: FastifyInstance, context: RouteContext): void {
  const { config, metadata, keyRing, store } = context;
  const deps = { verifier: new AccessTokenVerifier(keyRing, config.issuer, config.tokens.clockTolerance), store, issuer: config.issuer };
  // RFC 8414 §2
  metadata.contribute({
    introspection_endpoint: metadata.endpointUrl(INTROSPECTION_PATH),
    introspection_endpoint_auth_methods_supported: INTROSPECTION_AUTH_METHODS,
    // RFC 8414 §2: required once private_key_jwt is listed.
    introspection_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGORITHMS,
  });
  // Introspection is for confidential clients (resource servers), never a browser application: no CORS.
  registerClientEndpoint(app, context, { path: INTROSPECTION_PATH, cors: false }, async ({ client, parameters, now }) => {
    requireConfidentialClient(client);
    return introspectToken(deps, client, readPresentedToken(parameters), now);
  });
}
