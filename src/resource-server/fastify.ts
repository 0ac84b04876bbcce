// A Fastify plugin guarding the routes of the context it is registered in (types only: no runtime Fastify import).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ResourceServerError } from './errors.js';
import type { Principal } from './principal.js';
import type { AccessTokenVerifier } from './verifier.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; set on every request of the routes `resourceServerPlugin` guards. */
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** Scopes this route needs, on top of the plugin's `requiredScopes`. */
    requiredScopes?: readonly string[];
  }
}

export interface ResourceServerPluginOptions {
  readonly verifier: AccessTokenVerifier;
  /** Scopes every guarded route needs. */
  readonly requiredScopes?: readonly string[];
}

/** Answers a refused request with its RFC 6750 status, challenge and body. */
export function sendResourceServerError(reply: FastifyReply, error: ResourceServerError): FastifyReply {
  return reply.code(error.status).headers(error.headers).send(error.body);
}

function guard(app: FastifyInstance, options: ResourceServerPluginOptions, done: (error?: Error) => void): void {
  if (!app.hasRequestDecorator('principal')) app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const requiredScopes = [...(options.requiredScopes ?? []), ...(request.routeOptions.config.requiredScopes ?? [])];
    try {
      request.principal = await options.verifier.authenticate(request, { requiredScopes });
    } catch (error) {
      if (error instanceof ResourceServerError) return sendResourceServerError(reply, error);
      throw error;
    }
  });
  done();
}

/**
 * Every route of the context the plugin is registered in needs a valid access token; `request.principal` says whose.
 * Registered without encapsulation (like fastify-plugin), so it guards the routes registered beside it.
 */
export const resourceServerPlugin = Object.assign(guard, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'gatehouse-resource-server',
});
