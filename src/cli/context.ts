// What every CLI command shares: its common options, the configuration, an open store and an audited event bus.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { systemClock, type Clock } from '../clock.js';
import { loadConfig, type DatabaseConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { holdsDevSecret } from '../tokens/keys/dev-secret.js';
import { attachAudit } from '../observability/audit.js';
import { EventBus, type EventContext } from '../observability/events.js';
import type { Store } from '../store/store.js';
import { printNote, type OutputOptions } from './output.js';

export interface CommonOptions extends OutputOptions {
  readonly config?: string | undefined;
  readonly dev?: boolean | undefined;
}

export interface CommandContext {
  readonly config: Config;
  readonly store: Store;
  readonly events: EventBus;
  /** Audit context of every event the command emits: `{ actor: 'cli:<os user>' }`. */
  readonly eventContext: EventContext;
  readonly clock: Clock;
}

/** Adds `--json` and `--config` to a command; every leaf command takes both. */
export function withCommonOptions(command: Command): Command {
  return command
    .option('--json', 'print machine-readable JSON')
    .option('--config <path>', 'configuration file (default: $GATEHOUSE_CONFIG, else ./gatehouse.config.json if present)')
    .option('--dev', 'dev mode settings, as `serve --dev` uses them (loopback issuer, generated key-encryption secret)');
}

/**
 * Loads the configuration from `--config` (or GATEHOUSE_CONFIG), GATEHOUSE_* variables and `--dev`. Unless
 * `detectDevDataDir` is false, a configuration naming no issuer, database or dev setting, in a data folder set up by
 * `serve --dev`, uses dev settings, and says so once on stderr. `workers` is `serve --workers`. @throws ConfigError
 */
export function loadCommandConfig(options: CommonOptions, { detectDevDataDir = true, workers }: { detectDevDataDir?: boolean; workers?: string | undefined } = {}): Config {
  let devDataDir: string | undefined;
  const isDevDataDir = (dataDir: string): boolean => {
    const dev = holdsDevSecret(dataDir);
    if (dev) devDataDir = dataDir;
    return dev;
  };
  const config = loadConfig({
    configPath: options.config,
    env: process.env,
    flags: { ...(options.dev && { dev: true }), ...(workers !== undefined && { workers }) },
    ...(detectDevDataDir ? { isDevDataDir } : {}),
  });
  if (devDataDir !== undefined) printNote(`using dev-mode settings: ${devDataDir} was created by serve --dev`);
  return config;
}

/** The storage options of a configuration, as `openStore` and `migrateStore` take them. */
export function storeOptionsOf(config: DatabaseConfig): { readonly databaseUrl: string | undefined; readonly dataDir: string } {
  return { databaseUrl: config.databaseUrl, dataDir: config.dataDir };
}

/**
 * Runs `work` with an open store and an event bus whose events reach the audit trail; audit writes are
 * flushed and the store closed on every path, so the process exits as soon as the command is done.
 */
export async function withStore<T>(options: CommonOptions, work: (context: CommandContext) => Promise<T>): Promise<T> {
  const config = loadCommandConfig(options);
  // Loaded on use: the database drivers and Kysely are most of the CLI's start-up time.
  const { openStore } = await import('../store/open.js');
  const store = await openStore(storeOptionsOf(config));
  // An audit failure is reported but does not undo or fail an operation that already happened.
  const events = new EventBus((error, event) => {
    printNote(`warning: could not write the audit event ${event.type}: ${error instanceof Error ? error.message : String(error)}`);
  });
  try {
    attachAudit(events, store, systemClock);
    return await work({ config, store, events, eventContext: { actor: `cli:${operatingSystemUser()}` }, clock: systemClock });
  } finally {
    await events.drain();
    await store.close();
  }
}

function operatingSystemUser(): string {
  try {
    return userInfo().username;
  } catch {
    // Containers often run under a uid with no passwd entry.
    return process.env.USER ?? `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}
