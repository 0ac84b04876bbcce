// Composition root: config -> listen -> store -> key ring -> buildApp -> ready -> timers -> signals.
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { storeOptionsOf, withListeningPort } from './config/load.js';
import type { Config } from './config/schema.js';
import { canSignIdTokensFor, describeMissingIdTokenKey } from './clients/id-token-algorithm.js';
import { presentDemo } from './dev/seed-demo.js';
import { openDashboardSources, type DashboardSources } from './admin/dashboard-sources.js';
import type { Scheduler } from './observability/time-series.js';
import { listenHttp, type HttpListener } from './http/http-server.js';
import { attachAudit, AUDIT_CHAIN_PURPOSE } from './observability/audit.js';
import { attachEventLog } from './observability/event-log.js';
import { EventBus } from './observability/events.js';
import { attachSecurityWebhook } from './observability/security-webhook.js';
import { createLogger, type Logger } from './observability/logger.js';
import { instrumentStore } from './observability/instrument-store.js';
import { withCachedApiReads } from './store/cached-api-reads.js';
import { startTracing } from './observability/tracing.js';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { GatehouseMetrics } from './observability/metrics.js';
import { ClientLabelRanking } from './observability/client-label-ranking.js';
import { listenMetrics } from './http/metrics-listener.js';
import { Sweeper, sweepPolicy } from './maintenance/sweeper.js';
import { BackChannelDeliverer } from './logout/back-channel-deliverer.js';
import { openStore } from './store/open.js';
import type { SealedStore, Store } from './store/store.js';
import { openKeyRing, type KeyRing } from './tokens/keys/key-ring.js';
import { createKeyEncryption } from './tokens/keys/key-encryption.js';
import { createMessageAuthentication } from './tokens/keys/message-authentication.js';
import { resolveKeyEncryptionSecrets } from './tokens/keys/resolve.js';
import { DEVICE_COOKIE_PURPOSE } from './users/device-cookies.js';
import { DPOP_NONCE_PURPOSE } from './tokens/dpop-nonce.js';
import type { PasswordHasher } from './users/login.js';
import { systemClock, type Clock } from './clock.js';

const SHUTDOWN_TIMEOUT_MS = 10_000;

/** A running Gatehouse: its listening URL and an orderly close. */
export interface Gatehouse {
  readonly url: string;
  /** The configuration as served: the real port, and the issuer derived from it in dev mode. */
  readonly config: Config;
  readonly app: FastifyInstance;
  readonly store: SealedStore;
  readonly keyRing: KeyRing;
  /** The process's metrics (undefined when `metrics.enabled` is false); dashboards sample its registry. */
  readonly metrics: GatehouseMetrics | undefined;
  /** The private metrics listener's URL, when `metrics.listen` is set. */
  readonly metricsUrl: string | undefined;
  /** Stops accepting, finishes in-flight requests, stops timers, flushes audit writes and security webhook deliveries (bounded), closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Epoch seconds for every flow, timer and record; tests inject their own. */
  readonly clock?: Clock;
  /** The password functions logins use; tests inject one they can hold, to fill the hashing slots. */
  readonly passwords?: PasswordHasher;
  /** Where dev mode's demo credentials and reminders go: a person's terminal, never the log (default stderr). */
  readonly print?: (text: string) => void;
  /** Receives every span as it ends, tracing on whatever `tracing.otlpEndpoint` says; tests inject an in-memory one. */
  readonly spanExporter?: SpanExporter;
  /** What runs the dashboard's sampler (default: a timer every 10 s); tests inject one to see it stopped. */
  readonly sampleSchedule?: Scheduler;
  /** A worker of `serve --workers`: no demo seeding (the primary's), and /metrics answers for every worker. */
  readonly worker?: boolean;
}

/** @throws ListenError when the host or port cannot be listened on, before anything else is touched */
export async function startGatehouse(loaded: Config, logger: Logger = createLogger(loaded.logLevel), options: StartOptions = {}): Promise<Gatehouse> {
  // Bound first: a port in use fails fast, and a dev issuer names the real port before anything reads it.
  const listener = await listenHttp(loaded.host, loaded.port);
  try {
    return await startOn(listener, withListeningPort(loaded, listener.port), logger, options);
  } catch (error) {
    await listener.close();
    throw error;
  }
}

async function startOn(listener: HttpListener, config: Config, logger: Logger, options: StartOptions): Promise<Gatehouse> {
  const clock = options.clock ?? systemClock;
  const secrets = await resolveKeyEncryptionSecrets(config, logger);
  const keyEncryption = createKeyEncryption(secrets.current, secrets.previous);
  // Derived from the shared secret, so every instance accepts a device cookie and restarts keep accepting it.
  const deviceCookieSignatures = createMessageAuthentication(secrets, DEVICE_COOKIE_PURPOSE);
  // RFC 9449 §8: likewise for DPoP nonces, so a nonce one instance issued is accepted by every other.
  const dpopNonceSignatures = createMessageAuthentication(secrets, DPOP_NONCE_PURPOSE);
  // The audit chain head is sealed under the same secret, so no one without it can cut or rewrite the trail unnoticed.
  const opened = await openStore(storeOptionsOf(config), createMessageAuthentication(secrets, AUDIT_CHAIN_PURPOSE));
  const tracing = await startTracing(config.tracing, options.spanExporter);
  const metricsOptions = { clientLabelLimit: config.metrics.clientLabelLimit, clock, acrossWorkers: options.worker === true };
  const metrics = config.metrics.enabled ? new GatehouseMetrics(metricsOptions) : undefined;
  // Every storage call timed for the metrics, and a span of the request that made it when tracing is on; the APIs a
  // client may use, read on every token request for one, cached as clients are.
  const instrumented = instrumentStore(opened, { tracer: tracing.tracer, ...(metrics && { onOperation: metrics.observeStoreOperation }) });
  const store = withCachedApiReads(instrumented, config.limits.clientCacheTtl);
  let metricsListener: HttpListener | undefined;
  let dashboard: DashboardSources | undefined;
  let labelRanking: ClientLabelRanking | undefined;
  try {
    const events = new EventBus((error, event) => logger.error({ err: error, event: event.type }, 'event subscriber failed'));
    attachAudit(events, store, clock);
    attachEventLog(events, logger);
    metrics?.attach(events);
    // Every instance labels the clients most active in the shared store, ranked before the first request.
    labelRanking = metrics && new ClientLabelRanking(metrics.clients, store, clock, logger);
    await labelRanking?.start();
    const securityWebhook = attachSecurityWebhook(events, config.securityWebhook, { logger, clock, ...(metrics && { onDelivery: metrics.observeWebhookDelivery }) });
    // Subscribed before anything is served, so the dashboard's memory misses no event.
    const sources = openDashboardSources({ registry: metrics?.registry, events, clock, limits: config.dashboard, schedule: options.sampleSchedule, onError: (error) => logger.warn({ err: error }, 'dashboard sample failed') });
    dashboard = sources;
    const keyRing = await openKeyRing({ store, config, keyEncryption, events, logger, clock, ...(metrics && { onSigned: metrics.observeSigning }) });
    if (config.seedDemo && options.worker !== true) await presentDemo({ store, config, events, clock, print: options.print ?? ((text) => process.stderr.write(text)) });
    await warnAboutClientsWithoutIdTokenKey(store, keyRing, logger);

    const app = buildApp(config, { store, keyRing, keyEncryption, deviceCookieSignatures, dpopNonceSignatures, passwords: options.passwords, events, logger, clock, tracer: tracing.tracer, metrics, dashboard: sources }, listener);
    await app.ready();
    metricsListener = metrics && config.metrics.listen !== undefined ? await listenMetrics(config.metrics.listen, metrics, config.metrics.bearerToken) : undefined;
    explainMetricsAccess(config, logger);
    keyRing.start();
    sources.timeSeries?.start();
    const sweeper = new Sweeper(store, logger, clock, sweepPolicy(config), metrics?.observeExpiredSessions);
    sweeper.start();
    // Every instance delivers from the shared outbox; pending logout tokens of a previous run are picked up here.
    const deliverer = new BackChannelDeliverer({ store, keyRing, config, events, logger, clock });
    deliverer.start();
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
    logger.info({ url, issuer: config.issuer, engine: store.engine }, 'gatehouse listening');

    const close = async () => {
      // First, so no sample reads a registry whose subscribers are going away, whatever fails after.
      sources.timeSeries?.stop();
      // Closes the listener too, once requests arriving on open connections get 503 and in-flight ones are answered.
      await app.close();
      await metricsListener?.close();
      await keyRing.stop();
      await sweeper.stop();
      await deliverer.stop();
      await labelRanking?.stop();
      await events.drain();
      // Bounded by securityWebhook.timeout: a receiver that never answers holds the shutdown no longer.
      await securityWebhook?.stop();
      await store.close();
      await tracing.shutdown();
    };
    const metricsUrl = metricsListener && `http://${config.metrics.listen?.replace(/:\d+$/, '')}:${metricsListener.port}`;
    return { url, config, app, store, keyRing, metrics, metricsUrl, close };
  } catch (error) {
    dashboard?.timeSeries?.stop();
    await labelRanking?.stop();
    await metricsListener?.close();
    await store.close();
    await tracing.shutdown();
    throw error;
  }
}

/** Tells the operator how /metrics can be read when the main port refuses every scraper: no token, not dev mode. */
function explainMetricsAccess(config: Config, logger: Logger): void {
  const { enabled, bearerToken, listen } = config.metrics;
  if (!enabled || config.dev || bearerToken !== undefined) return;
  const privately = listen === undefined ? 'or set metrics.listen to serve it on a private address' : `or scrape the private listener on ${listen}`;
  logger.info(`/metrics answers 401 on the main port: set GATEHOUSE_METRICS_BEARER_TOKEN (metrics.bearerToken) for scrapers to send as a Bearer token, ${privately}`);
}

/** Says at start which clients will get server_error for want of a key, rather than at their first token request. */
async function warnAboutClientsWithoutIdTokenKey(store: Store, keyRing: KeyRing, logger: Logger): Promise<void> {
  for (const client of await store.clients.list()) {
    if (canSignIdTokensFor(client, keyRing.signingAlgorithms())) continue;
    logger.warn({ clientId: client.clientId, alg: client.idTokenSignedResponseAlg }, describeMissingIdTokenKey(client));
  }
}

/** How `runServer` runs: alone, or as one worker of `serve --workers`. */
export interface ServeOptions {
  /** A worker: its primary seeds the demo, prints the dev banner and forces the exit on a second signal. */
  readonly worker?: boolean;
}

/** Dev mode's greeting for the person at the terminal; stdout carries only the JSON log lines. */
export function printDevBanner(issuer: string): void {
  process.stderr.write(`\nGatehouse (dev mode) at ${issuer}\nDiscovery: ${issuer}/.well-known/openid-configuration\n\n`);
}

/** `gatehouse serve`: runs until SIGTERM or SIGINT, then shuts down gracefully; a second signal forces exit. */
export async function runServer(config: Config, logger: Logger = createLogger(config.logLevel), options: ServeOptions = {}): Promise<void> {
  const gatehouse = await startGatehouse(config, logger, { worker: options.worker === true });
  if (config.dev && !options.worker) printDevBanner(gatehouse.config.issuer);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      // One Ctrl-C reaches a worker twice (from the terminal, and forwarded by the primary): only the primary forces the exit.
      if (stopping && options.worker) return;
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting without waiting');
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'shutting down');
      const forced = setTimeout(() => {
        logger.error('shutdown took too long; exiting');
        process.exit(1);
      }, SHUTDOWN_TIMEOUT_MS).unref();
      gatehouse.close().then(
        () => {
          clearTimeout(forced);
          logger.info('stopped');
          resolve();
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    // `on`, not `once`: a second signal must reach `stop` to force the exit.
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
