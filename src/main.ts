// Composition root: config -> listen -> store -> key ring -> buildApp -> ready -> timers -> signals.
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { withListeningPort } from './config/load.js';
import type { Config } from './config/schema.js';
import { canSignIdTokensFor, describeMissingIdTokenKey } from './clients/id-token-algorithm.js';
import { presentDemo } from './dev/seed-demo.js';
import { openDashboardSources } from './admin/dashboard-sources.js';
import { Registry } from 'prom-client';
import { listenHttp, type HttpListener } from './http/http-server.js';
import { attachAudit } from './observability/audit.js';
import { attachEventLog } from './observability/event-log.js';
import { EventBus } from './observability/events.js';
import { attachSecurityWebhook } from './observability/security-webhook.js';
import { createLogger, type Logger } from './observability/logger.js';
import { instrumentStore } from './observability/instrument-store.js';
import { startTracing } from './observability/tracing.js';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { Sweeper, sweepPolicy } from './maintenance/sweeper.js';
import { BackChannelDeliverer } from './logout/back-channel-deliverer.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';
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
  readonly store: Store;
  readonly keyRing: KeyRing;
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
  const opened = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const tracing = startTracing(config.tracing, options.spanExporter);
  // Every storage call a span of the request that made it, when tracing is on.
  const store = instrumentStore(opened, { tracer: tracing.tracer });
  try {
    const events = new EventBus((error, event) => logger.error({ err: error, event: event.type }, 'event subscriber failed'));
    attachAudit(events, store, clock);
    attachEventLog(events, logger);
    const securityWebhook = attachSecurityWebhook(events, config.securityWebhook, { logger, clock });
    // Subscribed before anything is served, so the dashboard's memory misses no event.
    const dashboard = openDashboardSources({ registry: new Registry(), events, clock, onError: (error) => logger.warn({ err: error }, 'dashboard sample failed') });
    const keyRing = await openKeyRing({ store, config, keyEncryption, events, logger, clock });
    if (config.seedDemo) await presentDemo({ store, config, events, clock, print: options.print ?? ((text) => process.stderr.write(text)) });
    await warnAboutClientsWithoutIdTokenKey(store, keyRing, logger);

    const app = buildApp(config, { store, keyRing, keyEncryption, deviceCookieSignatures, dpopNonceSignatures, passwords: options.passwords, events, logger, clock, dashboard, tracer: tracing.tracer }, listener);
    await app.ready();
    keyRing.start();
    dashboard.timeSeries?.start();
    const sweeper = new Sweeper(store, logger, clock, sweepPolicy(config));
    sweeper.start();
    // Every instance delivers from the shared outbox; pending logout tokens of a previous run are picked up here.
    const deliverer = new BackChannelDeliverer({ store, keyRing, config, events, logger, clock });
    deliverer.start();
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
    logger.info({ url, issuer: config.issuer, engine: store.engine }, 'gatehouse listening');

    const close = async () => {
      // Closes the listener too, once requests arriving on open connections get 503 and in-flight ones are answered.
      await app.close();
      dashboard.timeSeries?.stop();
      await keyRing.stop();
      await sweeper.stop();
      await deliverer.stop();
      await events.drain();
      // Bounded by securityWebhook.timeout: a receiver that never answers holds the shutdown no longer.
      await securityWebhook?.stop();
      await store.close();
      await tracing.shutdown();
    };
    return { url, config, app, store, keyRing, close };
  } catch (error) {
    await store.close();
    await tracing.shutdown();
    throw error;
  }
}

/** Says at start which clients will get server_error for want of a key, rather than at their first token request. */
async function warnAboutClientsWithoutIdTokenKey(store: Store, keyRing: KeyRing, logger: Logger): Promise<void> {
  for (const client of await store.clients.list()) {
    if (canSignIdTokensFor(client, keyRing.signingAlgorithms())) continue;
    logger.warn({ clientId: client.clientId, alg: client.idTokenSignedResponseAlg }, describeMissingIdTokenKey(client));
  }
}

/** `gatehouse serve`: runs until SIGTERM or SIGINT, then shuts down gracefully; a second signal forces exit. */
export async function runServer(config: Config, logger: Logger = createLogger(config.logLevel)): Promise<void> {
  const gatehouse = await startGatehouse(config, logger);
  if (config.dev) {
    // For the person at the terminal; stdout carries only the JSON log lines.
    const { issuer } = gatehouse.config;
    process.stderr.write(`\nGatehouse (dev mode) at ${issuer}\nDiscovery: ${issuer}/.well-known/openid-configuration\n\n`);
  }
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
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
