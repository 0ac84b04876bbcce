// GET /admin (executive), /admin/on-call, /admin/debug and /admin/flows/:flowId: thin adapters over src/admin.
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../../app.js';
import { showDebugView, showExecutiveView, showFlowTimeline, showOnCallView, type AdminDeps } from '../../admin/admin-pages.js';
import { requestInfo, sendFlowReply } from '../flow-reply.js';
import { rejectOtherMethods } from '../plugins/error-handler.js';

const VIEWS = { '/admin': showExecutiveView, '/admin/on-call': showOnCallView, '/admin/debug': showDebugView } as const;
const FLOW_PATH = '/admin/flows/:flowId';

export function registerAdminRoutes(app: FastifyInstance, context: RouteContext): void {
  const deps: AdminDeps = context;
  const options = { config: { errorChannel: 'page' as const } };
  for (const [path, show] of Object.entries(VIEWS)) {
    app.get(path, options, async (request, reply) => sendFlowReply(request, reply, await show(deps, request.query, requestInfo(request))));
    rejectOtherMethods(app, path, ['GET']);
  }
  app.get<{ Params: { flowId: string } }>(FLOW_PATH, options, async (request, reply) =>
    sendFlowReply(request, reply, await showFlowTimeline(deps, request.params.flowId, requestInfo(request))),
  );
  rejectOtherMethods(app, FLOW_PATH, ['GET']);
}
