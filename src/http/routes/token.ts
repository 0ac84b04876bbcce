// POST /token (RFC 6749 §3.2): form body only, client authentication, then the grant registry; never cached.
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../../app.js';
import { AuthorizationCodeGrant } from '../../grants/authorization-code.js';
import type { GrantDependencies } from '../../grants/grant.js';
import { DeviceCodeGrant } from '../../grants/device-code.js';
import { ClientCredentialsGrant } from '../../grants/client-credentials.js';
import { RefreshTokenGrant } from '../../grants/refresh-token.js';
import { GrantRegistry } from '../../grants/registry.js';
import { DPOP_SIGNING_ALGORITHMS } from '../../tokens/dpop-proof.js';
import type { OAuthError } from '../../errors/oauth-errors.js';
import { registerClientEndpoint, type RefusedCall } from '../client-endpoint.js';

export const TOKEN_PATH = '/token';

export function registerTokenRoute(app: FastifyInstance, context: RouteContext): void {
  const deps: GrantDependencies = context;
  const grants = new GrantRegistry([new AuthorizationCodeGrant(deps), new RefreshTokenGrant(deps), new ClientCredentialsGrant(deps), new DeviceCodeGrant(deps)], deps, context.metadata, TOKEN_PATH);
  const url = context.metadata.endpointUrl(TOKEN_PATH);
  // RFC 9449 §5.1: the proof algorithms the server accepts.
  context.metadata.contribute({ dpop_signing_alg_values_supported: DPOP_SIGNING_ALGORITHMS });
  // A public client's browser application redeems its code cross-origin (CORS for its redirect URIs' origins).
  const supported: ReadonlySet<string> = new Set(grants.grantTypes());
  // Every refusal is an event (the dashboard and metrics read it); the grant type only when it is one served here.
  const onRefused = (error: OAuthError, call: RefusedCall) => {
    const named = (call.body as Record<string, unknown> | undefined)?.grant_type;
    const grantType = typeof named === 'string' && supported.has(named) ? named : null;
    const refusedByGrant = grants.refusedByGrant(error);
    context.events.emit({ type: 'token.failed', clientId: call.clientId, grantType, error: error.code, reason: error.reason ?? null, refusedByGrant }, call.origin);
  };
  const endpoint = { path: TOKEN_PATH, cors: true, resourceIndicators: true, dpop: true, onRefused };
  registerClientEndpoint(app, context, endpoint, async ({ client, parameters, resources, origin, dpopHeader, joinFlow }) => {
    const dpop = await context.dpop.check({ header: dpopHeader, method: 'POST', url, atResource: false, clientId: client.clientId }, origin);
    return grants.exchange({ client, parameters, resources, origin, dpop, joinFlow });
  });
}
