// POST /token (RFC 6749 §3.2): form body only, client authentication, then the grant registry; never cached.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RouteContext } from '../../app.js';
import { authenticateClient } from '../../clients/authenticate.js';
import { UnsupportedMediaType } from '../../errors/oauth-errors.js';
import { AuthorizationCodeGrant } from '../../grants/authorization-code.js';
import type { GrantDependencies } from '../../grants/grant.js';
import { ClientCredentialsGrant } from '../../grants/client-credentials.js';
import { RefreshTokenGrant } from '../../grants/refresh-token.js';
import { GrantRegistry } from '../../grants/registry.js';
import { eventContext } from '../event-context.js';
import { readParameters } from '../../protocol/parameters.js';
import { splitResourceParameters } from '../../protocol/resource-indicators.js';
import { rejectOtherMethods } from '../plugins/error-handler.js';

export const TOKEN_PATH = '/token';

/** RFC 6749 §3.2: the token endpoint takes application/x-www-form-urlencoded only (parameters such as charset aside). */
function requireFormBody(request: FastifyRequest): void {
  const essence = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (essence !== 'application/x-www-form-urlencoded') throw new UnsupportedMediaType();
}

export function registerTokenRoute(app: FastifyInstance, context: RouteContext): void {
  const { clock } = context;
  const deps: GrantDependencies = context;
  const grants = new GrantRegistry([new AuthorizationCodeGrant(deps), new RefreshTokenGrant(deps), new ClientCredentialsGrant(deps)], deps, context.metadata, TOKEN_PATH);
  const { parameterBytes } = context.config.limits;

  void app.register((scope, _options, done) => {
    // RFC 6749 §5.1 and §5.2: every token endpoint answer, errors and 405s included, is never cached.
    scope.addHook('onRequest', async (_request, reply) => {
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    });
    scope.post(TOKEN_PATH, { config: { errorChannel: 'token' } }, async (request, reply) => {
      requireFormBody(request);
      // RFC 8707 §2: resource may repeat; every other parameter once (RFC 6749 §3.2).
      const { resources, rest } = splitResourceParameters(request.body, parameterBytes);
      const parameters = readParameters(rest, parameterBytes);
      const client = await authenticateClient({ authorization: request.headers.authorization, parameters, now: clock() }, context.clients);
      const response = await grants.exchange({ client, parameters, resources, origin: eventContext(request) });
      return reply.header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(response));
    });
    rejectOtherMethods(scope, TOKEN_PATH, ['POST']);
    done();
  });
}
