// POST /revoke (RFC 7009): a client revokes a token of its own; the answer is 200 whatever the token was.
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../../app.js';
import { TOKEN_ENDPOINT_AUTH_METHODS } from '../../clients/authenticate.js';
import { revokeToken } from '../../revocation/revoke.js';
import { AccessTokenVerifier } from '../../tokens/access-token.js';
import { readPresentedToken } from '../../tokens/presented-token.js';
import { CLIENT_ASSERTION_ALGORITHMS } from '../../clients/jwk-set.js';
import { registerClientEndpoint } from '../client-endpoint.js';

export const REVOCATION_PATH = '/revoke';

export function registerRevocationRoute(app: FastifyInstance, context: RouteContext): void {
  const { config, metadata, keyRing, store, events } = context;
  const { clockTolerance } = config.tokens;
  const deps = { verifier: new AccessTokenVerifier(keyRing, config.issuer, clockTolerance), store, events, clockTolerance };
  // RFC 8414 §2; RFC 7009 §2.1: public clients may revoke their own tokens too, naming themselves with `none`.
  metadata.contribute({
    revocation_endpoint: metadata.endpointUrl(REVOCATION_PATH),
    revocation_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS,
    // RFC 8414 §2: required once private_key_jwt is listed.
    revocation_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGORITHMS,
  });
  // RFC 7009 §2.1: a public client revokes its own tokens, from its browser application too (CORS).
  registerClientEndpoint(app, context, { path: REVOCATION_PATH, cors: true }, async ({ client, parameters, origin, now }) => {
    await revokeToken(deps, { caller: client, token: readPresentedToken(parameters), origin, now });
    // RFC 7009 §2.2: 200 with no content to read, whether or not anything was revoked.
    return undefined;
  });
}
