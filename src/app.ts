// buildApp: the Fastify instance with every plugin and route, used by main and by tests.
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { Config } from './config/schema.js';
import { ServerMetadata } from './discovery/server-metadata.js';
import { registerErrorHandling, rejectMalformedHttp } from './http/plugins/error-handler.js';
import { generateRequestId, registerRequestContext } from './http/plugins/request-context.js';
import { registerSecurityHeaders } from './http/plugins/security-headers.js';
import { registerDiscoveryRoutes } from './http/routes/discovery.js';
import { registerHealthRoutes } from './http/routes/health.js';
import { registerJwksRoute, type JwksPublisher } from './http/routes/jwks.js';
import type { Logger } from './observability/logger.js';
import type { Store } from './store/store.js';

export interface AppDependencies {
  readonly store: Store;
  readonly keys: JwksPublisher;
  readonly logger: Logger;
}

export function buildApp(config: Config, deps: AppDependencies): FastifyInstance {
  // pino's Logger type is wider than the FastifyBaseLogger the route helpers are typed against.
  const app: FastifyInstance = Fastify<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger>({
    loggerInstance: deps.logger,
    bodyLimit: config.limits.bodyBytes,
    trustProxy: config.trustProxy,
    genReqId: generateRequestId,
    return503OnClosing: true,
    clientErrorHandler: rejectMalformedHttp,
    // Idle keep-alive sockets close at shutdown; in-flight requests finish first.
    forceCloseConnections: 'idle',
  });
  registerRequestContext(app);
  registerSecurityHeaders(app, config.issuer);
  registerErrorHandling(app);

  const metadata = new ServerMetadata(config.issuer);
  registerJwksRoute(app, deps.keys, metadata, config.keys.jwksMaxAge);
  registerHealthRoutes(app, deps.store);
  // Discovery last: every endpoint above has contributed its metadata by now.
  registerDiscoveryRoutes(app, metadata);
  return app;
}
