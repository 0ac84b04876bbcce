// Composition root: config -> store -> key ring -> buildApp -> listen -> signals.
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config/schema.js';
import { seedDemo } from './dev/seed-demo.js';
import { attachAudit } from './observability/audit.js';
import { EventBus } from './observability/events.js';
import { createLogger, type Logger } from './observability/logger.js';
import { Sweeper, sweepPolicy } from './maintenance/sweeper.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';
import { openKeyRing, type KeyRing } from './tokens/keys/key-ring.js';
import { resolveKeyEncryption } from './tokens/keys/resolve.js';
import { systemClock, type Clock } from './clock.js';

const SHUTDOWN_TIMEOUT_MS = 10_000;

/** A running Gatehouse: its listening URL and an orderly close. */
export interface Gatehouse {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly keyRing: KeyRing;
  /** Stops accepting, finishes in-flight requests, stops timers, flushes audit writes, closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Epoch seconds for every flow, timer and record; tests inject their own. */
  readonly clock?: Clock;
}

export async function startGatehouse(config: Config, logger: Logger = createLogger(config.logLevel), options: StartOptions = {}): Promise<Gatehouse> {
  const clock = options.clock ?? systemClock;
  const keyEncryption = await resolveKeyEncryption(config, logger);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const events = new EventBus((error, event) => logger.error({ err: error, event: event.type }, 'event subscriber failed'));
    attachAudit(events, store, clock);
    const keyRing = await openKeyRing({ store, config, keyEncryption, events, logger, clock });
    if (config.seedDemo) await seedDemo({ store, config, events, clock, print: (text) => process.stdout.write(text) });

    const app = buildApp(config, { store, keyRing, keyEncryption, events, logger, clock });
    await app.listen({ host: config.host, port: config.port });
    keyRing.start();
    const sweeper = new Sweeper(store, logger, clock, sweepPolicy(config));
    sweeper.start();
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    logger.info({ url, issuer: config.issuer, engine: store.engine }, 'gatehouse listening');

    const close = async () => {
      await app.close();
      await keyRing.stop();
      await sweeper.stop();
      await events.drain();
      await store.close();
    };
    return { url, app, store, keyRing, close };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** `gatehouse serve`: runs until SIGTERM or SIGINT, then shuts down gracefully; a second signal forces exit. */
export async function runServer(config: Config, logger: Logger = createLogger(config.logLevel)): Promise<void> {
  const gatehouse = await startGatehouse(config, logger);
  if (config.dev) {
    process.stdout.write(`\nGatehouse (dev mode) at ${config.issuer}\nDiscovery: ${config.issuer}/.well-known/openid-configuration\n\n`);
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
