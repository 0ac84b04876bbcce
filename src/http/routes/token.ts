// POST /token (RFC 6749 §3.2): form body only, client authentication, then the grant registry; never cached.
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../../app.js';
import { AuthorizationCodeGrant } from '../../grants/authorization-code.js';
import type { GrantDependencies } from '../../grants/grant.js';
import { DeviceCodeGrant } from '../../grants/device-code.js';
import { ClientCredentialsGrant } from '../../grants/client-credentials.js';
import { RefreshTokenGrant } from '../../grants/refresh-token.js';
import { GrantRegistry } from '../../grants/registry.js';
import { registerClientEndpoint } from '../client-endpoint.js';

export const TOKEN_PATH = '/token';

export function registerTokenRoute(app: FastifyInstance, context: RouteContext): void {
  const deps: GrantDependencies = context;
  const grants = new GrantRegistry([new AuthorizationCodeGrant(deps), new RefreshTokenGrant(deps), new ClientCredentialsGrant(deps), new DeviceCodeGrant(deps)], deps, context.metadata, TOKEN_PATH);
  // A public client's browser application redeems its code cross-origin (CORS for its redirect URIs' origins).
  registerClientEndpoint(app, context, { path: TOKEN_PATH, cors: true, resourceIndicators: true }, ({ client, parameters, resources, origin }) =>
    grants.exchange({ client, parameters, resources, origin }),
  );
}
