// GET /device shows the code form, POST /device takes the code (RFC 8628 §3.3): thin adapters over src/authorize.
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../../app.js';
import { showDeviceCodePage, submitDeviceCode, type DeviceVerificationDeps } from '../../authorize/device-verification.js';
import { UserCodeThrottle } from '../../authorize/user-code-throttle.js';
import { DEVICE_VERIFICATION_PATH } from '../../device/device-authorization.js';
import { requestInfo, sendFlowReply } from '../flow-reply.js';
import { rejectOtherMethods } from '../plugins/error-handler.js';

export function registerDeviceRoutes(app: FastifyInstance, context: RouteContext): void {
  const { config } = context;
  const throttle = new UserCodeThrottle(context.store.loginThrottle, { failuresPerIp: config.deviceAuthorization.userCodeFailuresPerIp, window: config.rateLimits.loginWindow });
  const deps: DeviceVerificationDeps = { ...context, userCodeThrottle: throttle };
  const options = { config: { errorChannel: 'page' as const } };
  app.get(DEVICE_VERIFICATION_PATH, options, async (request, reply) => sendFlowReply(request, reply, showDeviceCodePage(deps, request.query, requestInfo(request))));
  app.post(DEVICE_VERIFICATION_PATH, options, async (request, reply) => sendFlowReply(request, reply, await submitDeviceCode(deps, request.body, requestInfo(request))));
  rejectOtherMethods(app, DEVICE_VERIFICATION_PATH, ['GET', 'POST']);
}
