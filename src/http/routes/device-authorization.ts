// POST /device_authorization (RFC 8628 §3.1): a thin adapter over src/device, authenticated like the token endpoint.
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../../app.js';
import { requestDeviceAuthorization } from '../../device/device-authorization.js';
import { registerClientEndpoint } from '../client-endpoint.js';

export const DEVICE_AUTHORIZATION_PATH = '/device_authorization';

export function registerDeviceAuthorizationRoute(app: FastifyInstance, context: RouteContext): void {
  // RFC 8628 §4: the endpoint is advertised in the authorization server metadata.
  context.metadata.contribute({ device_authorization_endpoint: context.metadata.endpointUrl(DEVICE_AUTHORIZATION_PATH) });
  // A device is no browser: no CORS. RFC 8707 §2: resource may repeat, as at the token endpoint.
  registerClientEndpoint(app, context, { path: DEVICE_AUTHORIZATION_PATH, cors: false, resourceIndicators: true }, (call) =>
    requestDeviceAuthorization(context, call),
  );
}
