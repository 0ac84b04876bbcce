// GET /consent?interaction=<id> shows the consent page; POST /consent applies Allow or Deny: thin adapters over src/authorize.
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../../app.js';
import { decideConsent, showConsentPage } from '../../authorize/consent.js';
import { requestInfo, sendFlowReply } from '../flow-reply.js';
import { readParameters } from '../../protocol/parameters.js';
import { rejectOtherMethods } from '../plugins/error-handler.js';

export const CONSENT_PATH = '/consent';

export function registerConsentRoutes(app: FastifyInstance, context: RouteContext): void {
  const options = { config: { errorChannel: 'page' as const } };
  app.get(CONSENT_PATH, options, async (request, reply) => {
    const interactionId = readParameters(request.query, context.config.limits.parameterBytes).get('interaction');
    return sendFlowReply(request, reply, await showConsentPage(context, interactionId, requestInfo(request)));
  });
  app.post(CONSENT_PATH, options, async (request, reply) =>
    sendFlowReply(request, reply, await decideConsent(context, request.body, requestInfo(request))),
  );
  rejectOtherMethods(app, CONSENT_PATH, ['GET', 'POST']);
}
