// GET /logout asks "Sign out of Gatehouse?"; POST /logout ends the session: a thin adapter over src/sessions.
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../../app.js';
import { showLogoutPage, submitLogout } from '../../sessions/logout.js';
import { requestInfo, sendFlowReply } from '../flow-reply.js';
import { rejectOtherMethods } from '../plugins/error-handler.js';

export const LOGOUT_PATH = '/logout';

export function registerLogoutRoutes(app: FastifyInstance, context: RouteContext): void {
  const options = { config: { errorChannel: 'page' as const } };
  app.get(LOGOUT_PATH, options, async (request, reply) => sendFlowReply(request, reply, await showLogoutPage(context, requestInfo(request))));
  app.post(LOGOUT_PATH, options, async (request, reply) => sendFlowReply(request, reply, await submitLogout(context, request.body, requestInfo(request))));
  rejectOtherMethods(app, LOGOUT_PATH, ['GET', 'POST']);
}
