// POST /par (RFC 9126 §2): a client pushes its authorization request and gets a request_uri for /authorize; never cached.
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../../app.js';
import { pushAuthorizationRequest } from '../../authorize/pushed-requests.js';
import { registerClientEndpoint } from '../client-endpoint.js';

export const PUSHED_AUTHORIZATION_REQUEST_PATH = '/par';

export function registerPushedAuthorizationRequestRoute(app: FastifyInstance, context: RouteContext): void {
  // RFC 9126 §5
  context.metadata.contribute({
    pushed_authorization_request_endpoint: context.metadata.endpointUrl(PUSHED_AUTHORIZATION_REQUEST_PATH),
    require_pushed_authorization_requests: context.config.par.required,
  });
  // RFC 9126 §2: client authentication as at the token endpoint; a public browser application pushes cross-origin (CORS).
  // RFC 9126 §2.2: 201 Created with the request_uri.
  const endpoint = { path: PUSHED_AUTHORIZATION_REQUEST_PATH, cors: true, resourceIndicators: true, successStatus: 201 } as const;
  registerClientEndpoint(app, context, endpoint, (call) => pushAuthorizationRequest(context, call));
}
