// What every CLI command shares: its common options, the configuration, an open store and, for commands that change
// anything, an event bus whose events reach the sealed audit trail.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { systemClock, type Clock } from '../clock.js';
import { loadConfig, storeOptionsOf } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { holdsDevSecret } from '../tokens/keys/dev-secret.js';
import { attachAudit } from '../observability/audit.js';
import { EventBus, type EventContext } from '../observability/events.js';
import type { AuditSealer, SealedStore, Store } from '../store/store.js';
import { printNote, UsageError, type OutputOptions } from './output.js';

export interface CommonOptions extends OutputOptions {
  readonly config?: string | undefined;
  readonly dev?: boolean | undefined;
}

/** What a command that only reads has: no event bus, so it can audit nothing, and needs no key-encryption secret. */
export interface ReadCommandContext {
  readonly config: Config;
  readonly store: Store;
  readonly clock: Clock;
}

/** What a command that changes anything has: a store sealing the audit chain, and the event bus feeding it. */
export interface CommandContext extends ReadCommandContext {
  readonly store: SealedStore;
  readonly events: EventBus;
  /** Audit context of every event the command emits: `{ actor: 'cli:<os user>' }`. */
  readonly eventContext: EventContext;
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

/**
 * The bus given to a service a read command builds only to read through, its type narrowed to the reading methods
 * (`Pick<UserService, 'list' | 'show'>`): nothing reachable emits, so it has no audit subscriber.
 */
export function readerEvents(): EventBus {
  return new EventBus(() => undefined);
}

/** Runs `work` with a store opened for reading; it needs no key-encryption secret. The store is closed on every path. */
export async function withStore<T>(options: CommonOptions, work: (context: ReadCommandContext) => Promise<T>): Promise<T> {
  const config = loadCommandConfig(options);
  // Loaded on use: the database drivers and Kysely are most of the CLI's start-up time.
  const { openStore } = await import('../store/open.js');
  const store = await openStore(storeOptionsOf(config));
  try {
    return await work({ config, store, clock: systemClock });
  } finally {
    await store.close();
  }
}

/**
 * Runs `work` with a store that seals the audit chain and an event bus whose events reach it; audit writes are
 * flushed and the store closed on every path, so the process exits as soon as the command is done. The secret is
 * resolved before the store opens: a command that cannot seal changes nothing.
 * @throws UsageError naming keys.encryptionSecret when no key-encryption secret can be resolved
 */
export async function withSealedStore<T>(options: CommonOptions, work: (context: CommandContext) => Promise<T>): Promise<T> {
  const config = loadCommandConfig(options);
  const sealer = await resolveAuditSealer(config);
  const { openStore } = await import('../store/open.js');
  const store = await openStore(storeOptionsOf(config), sealer);
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

/** The audit chain's sealer under the key-encryption secret, resolved as the server resolves it (dev mode: the dev secret file). */
async function resolveAuditSealer(config: Config): Promise<AuditSealer> {
  const [{ resolveKeyEncryptionSecrets }, { createMessageAuthentication }, { AUDIT_CHAIN_PURPOSE }, { createLogger }] = await Promise.all([
    import('../tokens/keys/resolve.js'),
    import('../tokens/keys/message-authentication.js'),
    import('../observability/audit.js'),
    import('../observability/logger.js'),
  ]);
  try {
    // Only errors, on stderr: a command's output is its result and at most one line of failure, not JSON log lines
    // (dev mode's "generated a secret" notice among them; `serve --dev` announces the secret file).
    const secrets = await resolveKeyEncryptionSecrets(config, createLogger('error', process.stderr));
    return createMessageAuthentication(secrets, AUDIT_CHAIN_PURPOSE);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`this command needs keys.encryptionSecret (GATEHOUSE_KEYS_ENCRYPTION_SECRET) to seal or check the audit trail, and it cannot be resolved: ${reason}`);
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
