// GET and POST /authorize (RFC 6749 §3.1, OIDC Core §3.1.2.1) and GET /authorize/resume: thin adapters over src/authorize.
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../../app.js';
import { handleAuthorizationRequest, resumeAuthorization } from '../../authorize/endpoint.js';
import { PROMPT_VALUES } from '../../authorize/steps/check-prompt.js';
import { UnsupportedMediaType } from '../../errors/oauth-errors.js';
import { requestInfo, sendFlowReply } from '../flow-reply.js';
import { readParameters } from '../../protocol/parameters.js';
import { rejectOtherMethods } from '../plugins/error-handler.js';

export const AUTHORIZE_PATH = '/authorize';
export const RESUME_PATH = '/authorize/resume';

const FORM = /^application\/x-www-form-urlencoded(;|$)/i;

export function registerAuthorizationRoutes(app: FastifyInstance, context: RouteContext): void {
  context.metadata.contribute({
    authorization_endpoint: context.metadata.endpointUrl(AUTHORIZE_PATH),
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'form_post'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: Object.keys(context.config.scopes),
    prompt_values_supported: PROMPT_VALUES,
    authorization_response_iss_parameter_supported: true,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
  });
  // Errors escaping a handler have no validated redirect target, so the authorize channel shows them as a page.
  const options = { config: { errorChannel: 'authorize' as const } };

  app.get(AUTHORIZE_PATH, options, async (request, reply) =>
    sendFlowReply(request, reply, await handleAuthorizationRequest(context, request.query, requestInfo(request))),
  );
  app.post(AUTHORIZE_PATH, options, async (request, reply) => {
    // OIDC Core §3.1.2.1: a POSTed authorization request is form-serialised; a JSON body is not one.
    if (!FORM.test(request.headers['content-type'] ?? '')) throw new UnsupportedMediaType();
    return sendFlowReply(request, reply, await handleAuthorizationRequest(context, request.body, requestInfo(request)));
  });
  rejectOtherMethods(app, AUTHORIZE_PATH, ['GET', 'POST']);

  app.get(RESUME_PATH, options, async (request, reply) => {
    const interactionId = readParameters(request.query, context.config.limits.parameterBytes).get('interaction');
    return sendFlowReply(request, reply, await resumeAuthorization(context, interactionId, requestInfo(request)));
  });
  rejectOtherMethods(app, RESUME_PATH, ['GET']);
}
