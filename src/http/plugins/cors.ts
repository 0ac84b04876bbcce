// CORS (Fetch standard §3.2) for the endpoints browser applications call. A route opts in with
// `config: { cors: true }`; its path then answers preflights and carries Access-Control-Allow-Origin, errors included,
// for the origins of public clients' redirect URIs (src/clients/allowed-origins.ts) and for no other origin.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AllowedOrigins } from '../../clients/allowed-origins.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Browser applications of public clients may call this route from their own origin. */
    cors?: boolean;
  }
}

/** How long a browser may reuse a preflight answer; Chromium caps it at two hours. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;
/** The request headers a browser application sends: the bearer token or Basic credentials, the form's type, a DPoP proof (RFC 9449 §4.1). */
const ALLOWED_REQUEST_HEADERS = 'Authorization, Content-Type, DPoP';
/** A bearer endpoint's challenge (RFC 6750 §3) is what the application needs to read on a 401; a DPoP nonce (RFC 9449 §8) too. */
const EXPOSED_RESPONSE_HEADERS = 'WWW-Authenticate, DPoP-Nonce';

/** Registers the CORS hooks; call before the routes, so the opted-in ones are seen as they are added. */
export function registerCors(app: FastifyInstance, allowedOrigins: AllowedOrigins): void {
  const methodsByPath = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    if (route.config?.cors !== true) return;
    const methods = methodsByPath.get(route.url) ?? new Set<string>();
    for (const method of [route.method].flat()) methods.add(method);
    methodsByPath.set(route.url, methods);
  });
  // onRequest, before any handler or error: whatever the route answers, an allowed origin can read it.
  app.addHook('onRequest', async (request, reply) => {
    const methods = request.routeOptions.url === undefined ? undefined : methodsByPath.get(request.routeOptions.url);
    if (methods === undefined) return;
    // Fetch §3.2.5: the answer depends on Origin, so shared caches must key on it.
    reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    const allowed = origin !== undefined && (await originAllowed(allowedOrigins, origin, request));
    // Never `*` and never Access-Control-Allow-Credentials: the one origin, and requests carry no cookies.
    if (allowed) reply.header('access-control-allow-origin', origin).header('access-control-expose-headers', EXPOSED_RESPONSE_HEADERS);
    if (isPreflight(request)) return answerPreflight(reply, allowed ? methods : undefined);
  });
}

/**
 * Whether the origin is allowed; when the client list cannot be read, none is, so discovery and the JWKS still answer
 * (without CORS) and the endpoint's own store access reports the outage.
 */
async function originAllowed(allowedOrigins: AllowedOrigins, origin: string, request: FastifyRequest): Promise<boolean> {
  try {
    return await allowedOrigins.allows(origin);
  } catch (error) {
    request.log.warn({ err: error }, 'CORS: the allowed origins could not be read; answering without CORS headers');
    return false;
  }
}

/** Fetch §3.2.2: a CORS-preflight request is an OPTIONS request naming the method it asks for. */
function isPreflight(request: FastifyRequest): boolean {
  return request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
}

/** 204 with what is allowed; for an origin that is not allowed, 204 with no allow headers, so the browser refuses. */
function answerPreflight(reply: FastifyReply, methods: ReadonlySet<string> | undefined): FastifyReply {
  if (methods !== undefined) {
    reply
      .header('access-control-allow-methods', [...methods].join(', '))
      .header('access-control-allow-headers', ALLOWED_REQUEST_HEADERS)
      .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS));
  }
  return reply.code(204).send();
}
