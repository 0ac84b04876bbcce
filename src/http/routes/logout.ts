// GET and POST /logout: the end_session_endpoint (RP-Initiated Logout 1.0 §2), a thin adapter over src/logout.
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../../app.js';
import { requestLogout, submitLogout, type LogoutDeps } from '../../logout/end-session.js';
import { IdTokenHintVerifier } from '../../tokens/id-token-hint.js';
import { requestInfo, sendFlowReply } from '../flow-reply.js';
import { rejectOtherMethods } from '../plugins/error-handler.js';

export const LOGOUT_PATH = '/logout';

export function registerLogoutRoutes(app: FastifyInstance, context: RouteContext): void {
  const deps: LogoutDeps = { ...context, hints: new IdTokenHintVerifier(context.keyRing, context.config.issuer) };
  const options = { config: { errorChannel: 'page' as const } };
  app.get(LOGOUT_PATH, options, async (request, reply) => sendFlowReply(request, reply, await requestLogout(deps, request.query, requestInfo(request))));
  app.post(LOGOUT_PATH, options, async (request, reply) => sendFlowReply(request, reply, await submitLogout(deps, request.body, requestInfo(request))));
  rejectOtherMethods(app, LOGOUT_PATH, ['GET', 'POST']);
  context.metadata.contribute({
    end_session_endpoint: context.metadata.endpointUrl(LOGOUT_PATH),
    // Back-Channel Logout §2.1: every instance delivers logout tokens from the outbox, always with `sid`.
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
  });
}
