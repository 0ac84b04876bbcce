// buildApp: the Fastify instance with every plugin and route, used by main and by tests.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { Config } from './config/schema.js';
import { ServerMetadata } from './discovery/server-metadata.js';
import { registerErrorHandling, rejectMalformedHttp } from './http/plugins/error-handler.js';
import { registerRequestContext, requestIdGenerator } from './http/plugins/request-context.js';
import { registerRequestLog } from './http/plugins/request-log.js';
import { registerEventSettlement } from './http/plugins/event-settlement.js';
import { registerLoadShedding } from './http/plugins/load-shedding.js';
import { registerCorrelation } from './http/event-context.js';
import { compileProxyTrust } from './http/proxy-trust.js';
import type { HttpListener } from './http/http-server.js';
import { registerFaviconRoute } from './http/routes/favicon.js';
import { registerSecurityHeaders } from './http/plugins/security-headers.js';
import { registerCors } from './http/plugins/cors.js';
import { registerDiscoveryRoutes } from './http/routes/discovery.js';
import { registerHealthRoutes } from './http/routes/health.js';
import { registerJwksRoute } from './http/routes/jwks.js';
import { registerAuthorizationRoutes } from './http/routes/authorize.js';
import { registerConsentRoutes } from './http/routes/consent.js';
import { registerTokenRoute } from './http/routes/token.js';
import { registerPushedAuthorizationRequestRoute } from './http/routes/pushed-authorization-request.js';
import { registerUserInfoRoute } from './http/routes/userinfo.js';
import { registerIntrospectionRoute } from './http/routes/introspection.js';
import { registerRevocationRoute } from './http/routes/revocation.js';
import { registerLoginRoutes } from './http/routes/login.js';
import { registerLogoutRoutes } from './http/routes/logout.js';
import { registerDeviceAuthorizationRoute } from './http/routes/device-authorization.js';
import { registerDeviceRoutes } from './http/routes/device.js';
import { registerAccountRoutes } from './http/routes/account.js';
import { registerAdminRoutes } from './http/routes/admin.js';
import type { DashboardSources } from './admin/dashboard-sources.js';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import { ClientLookup } from './clients/lookup.js';
import { AllowedOrigins } from './clients/allowed-origins.js';
import { PrivateKeyJwtVerifier } from './clients/private-key-jwt.js';
import { DpopProofChecker } from './dpop/proof-checker.js';
import { registerDpopNonces } from './http/plugins/dpop-nonce.js';
import { DpopNonces } from './tokens/dpop-nonce.js';
import type { Tracer } from '@opentelemetry/api';
import type { EventBus } from './observability/events.js';
import { registerTracing } from './http/plugins/tracing.js';
import type { KeyRing } from './tokens/keys/key-ring.js';
import type { KeyEncryption } from './tokens/keys/key-encryption.js';
import type { MessageAuthentication } from './tokens/keys/message-authentication.js';
import { argon2Passwords, timePasswordHashing, type PasswordHasher } from './users/login.js';
import type { GatehouseMetrics } from './observability/metrics.js';
import { registerRequestMetrics } from './http/plugins/metrics.js';
import { registerMetricsRoute } from './http/routes/metrics.js';
import type { Logger } from './observability/logger.js';
import type { Store } from './store/store.js';
import type { Clock } from './clock.js';

export interface AppDependencies {
  readonly store: Store;
  /** The one clock every flow reads (epoch seconds). */
  readonly clock: Clock;
  readonly keyRing: KeyRing;
  readonly keyEncryption: KeyEncryption;
  /** Signs and verifies device cookies under a key derived from the key-encryption secret. */
  readonly deviceCookieSignatures: MessageAuthentication;
  /** Signs and verifies DPoP nonces (RFC 9449 §8) under a key derived from the key-encryption secret. */
  readonly dpopNonceSignatures: MessageAuthentication;
  /** The password functions logins use (argon2 unless a test injects its own); capped by `limits.concurrentPasswordHashes`. */
  readonly passwords?: PasswordHasher;
  readonly events: EventBus;
  readonly logger: Logger;
  /** This process's time series and recent events, which the ops dashboard (/admin) shows. */
  readonly dashboard: DashboardSources;
  /** Makes a span per request when tracing is on (src/observability/tracing.ts); undefined: none. */
  readonly tracer?: Tracer;
  /** Prometheus metrics (`metrics.enabled`): request metrics, password hashing time and GET /metrics. */
  readonly metrics?: GatehouseMetrics;
}

/** What protocol routes are built from: each takes the slices it needs. */
export interface RouteContext extends Omit<AppDependencies, 'logger' | 'tracer' | 'metrics'> {
  readonly config: Config;
  readonly clients: ClientLookup;
  /** Verifies private_key_jwt client assertions, for every endpoint that authenticates clients. */
  readonly clientAssertions: PrivateKeyJwtVerifier;
  /** Checks DPoP proofs (RFC 9449) at the token and userinfo endpoints. */
  readonly dpop: DpopProofChecker;
  readonly metadata: ServerMetadata;
}

/**
 * The app with every plugin and route. Given a listener (main), it serves that already bound server once ready;
 * without one (tests using `inject`), Fastify makes a server of its own.
 */
export function buildApp(config: Config, deps: AppDependencies, listener?: HttpListener): FastifyInstance {
  const proxyTrust = compileProxyTrust(config.trustProxy);
  const bound = listener && serveOn(listener);
  // pino's Logger type is wider than the FastifyBaseLogger the route helpers are typed against.
  const app: FastifyInstance = Fastify<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger>({
    ...(bound && { serverFactory: bound.serverFactory }),
    loggerInstance: deps.logger,
    // Fastify's two lines per request are replaced by the one of registerRequestLog.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.limits.bodyBytes,
    // A function, not the setting: Fastify 5 reads a bare hop count as "trust nothing".
    trustProxy: proxyTrust,
    genReqId: requestIdGenerator(proxyTrust),
    return503OnClosing: true,
    clientErrorHandler: rejectMalformedHttp,
  });
  if (bound) {
    app.addHook('onReady', bound.open);
    // After Fastify marks itself closing (later requests on open connections get 503): stop accepting, finish in-flight.
    app.addHook('onClose', bound.close);
  }
  // First: every later hook, handler and storage call runs inside the request's span.
  registerTracing(app, deps.tracer);
  registerRequestContext(app);
  registerCorrelation(app);
  registerRequestLog(app);
  if (deps.metrics) registerRequestMetrics(app, deps.metrics);
  registerSecurityHeaders(app, config.issuer);
  registerErrorHandling(app);
  registerEventSettlement(app, deps.events);
  // Before the routes: those with `config.cors` register their paths with it as they are added.
  registerCors(app, new AllowedOrigins(deps.store.clients, config.limits.clientCacheTtl));
  // After CORS, so a browser application can read its 503 and Retry-After; before every route's own hooks.
  registerLoadShedding(app, config.loadShedding, deps.metrics?.observeShedRequest);

  void app.register(formbody);
  void app.register(cookie);

  const metadata = new ServerMetadata(config.issuer);
  const { store, clock, keyRing, keyEncryption, deviceCookieSignatures, events, metrics, dashboard } = deps;
  const passwords = metrics ? timePasswordHashing(deps.passwords ?? argon2Passwords, metrics.observePasswordHash) : deps.passwords;
  const clients = new ClientLookup(store.clients, config.limits.clientCacheTtl);
  const clientAssertions = new PrivateKeyJwtVerifier(
    { issuer: config.issuer, clockTolerance: config.tokens.clockTolerance, ...config.clientAssertions },
    store.clientAssertionJtis,
    events,
    clock,
  );
  const dpop = new DpopProofChecker(config.dpop, store.dpopProofJtis, new DpopNonces(deps.dpopNonceSignatures, config.dpop.nonceLifetime), events, clock);
  registerDpopNonces(app, dpop);
  const context: RouteContext = {
    store, clock, keyRing, keyEncryption, deviceCookieSignatures, dpopNonceSignatures: deps.dpopNonceSignatures, passwords, events, dashboard, config, metadata, clients, clientAssertions, dpop,
  };
  registerJwksRoute(app, deps.keyRing, metadata, config.keys.jwksMaxAge);
  registerAuthorizationRoutes(app, context);
  registerConsentRoutes(app, context);
  registerTokenRoute(app, context);
  registerPushedAuthorizationRequestRoute(app, context);
  registerUserInfoRoute(app, context);
  registerIntrospectionRoute(app, context);
  registerRevocationRoute(app, context);
  registerHealthRoutes(app, deps.store);
  // Dev mode: open on the main port; otherwise only to a scraper with the token (see metrics.listen for a private port).
  if (metrics) registerMetricsRoute(app, metrics, { open: config.dev, bearerToken: config.metrics.bearerToken });
  registerFaviconRoute(app);
  const login = registerLoginRoutes(app, context);
  registerLogoutRoutes(app, context);
  registerDeviceAuthorizationRoute(app, context);
  registerDeviceRoutes(app, context);
  registerAccountRoutes(app, context, login);
  registerAdminRoutes(app, context);
  // Discovery last: every endpoint above has contributed its metadata by now.
  registerDiscoveryRoutes(app, metadata);
  return app;
}

/**
 * Hands a bound server to Fastify, with the timeouts Fastify gives a server it makes (a keep-alive that outlasts
 * common load balancers'); opens it to requests once every route is registered, and closes it with the app.
 */
function serveOn(listener: HttpListener) {
  let handler: RequestListener | undefined;
  return {
    serverFactory: (fastifyHandler: RequestListener, options: Record<string, unknown>) => {
      handler = fastifyHandler;
      const { keepAliveTimeout, requestTimeout } = options as { keepAliveTimeout: number; requestTimeout: number };
      listener.server.keepAliveTimeout = keepAliveTimeout;
      listener.server.requestTimeout = requestTimeout;
      return listener.server;
    },
    open: (done: () => void) => {
      if (handler) listener.serve(handler);
      done();
    },
    close: () => listener.close(),
  };
}
