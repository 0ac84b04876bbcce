// POST /par (RFC 9126 §2): a client pushes its authorization request and gets a request_uri for /authorize; never cached.
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../../app.js';
import { pushAuthorizationRequest } from '../../authorize/pushed-requests.js';
import { registerClientEndpoint } from '../client-endpoint.js';
import { TOKEN_PATH } from './token.js';

export const PUSHED_AUTHORIZATION_REQUEST_PATH = '/par';

export function registerPushedAuthorizationRequestRoute(app: FastifyInstance, context: RouteContext): void {
  // RFC 9126 §5
  context.metadata.contribute({
    pushed_authorization_request_endpoint: context.metadata.endpointUrl(PUSHED_AUTHORIZATION_REQUEST_PATH),
    require_pushed_authorization_requests: context.config.par.required,
  });
  // RFC 9126 §2: client authentication as at the token endpoint; a public browser application pushes cross-origin (CORS).
  // RFC 9126 §2.2: 201 Created with the request_uri.
  // RFC 9449 §10.1: a DPoP proof may come with the push (and gets a DPoP-Nonce when nonces are required).
  // RFC 9126 §2: a client assertion addressed to the token endpoint is accepted here too.
  const assertionAudiences = [context.metadata.endpointUrl(TOKEN_PATH)];
  const endpoint = { path: PUSHED_AUTHORIZATION_REQUEST_PATH, cors: true, resourceIndicators: true, successStatus: 201, dpop: true, assertionAudiences } as const;
  const url = context.metadata.endpointUrl(PUSHED_AUTHORIZATION_REQUEST_PATH);
  registerClientEndpoint(app, context, endpoint, async (call) => {
    const dpop = await context.dpop.check({ header: call.dpopHeader, method: 'POST', url, atResource: false, clientId: call.client.clientId }, call.origin);
    return pushAuthorizationRequest(context, { ...call, dpopJkt: dpop?.jkt });
  });
}
