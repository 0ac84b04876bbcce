// Loads configuration: defaults <- file <- GATEHOUSE_* env <- flags, validated as a whole, reporting every problem.
import type { OpenStoreOptions } from '../store/open.js';
import { resolve } from 'node:path';
import { ConfigError } from './errors.js';
import { DEFAULT_CONFIG_FILE, readLayers, setPath, type LayerOptions, type Layers } from './layers.js';
import { problemAt, validateLayers } from './problems.js';
import { checkKeyRules, checkMetricsRules, checkProductionRules, checkSecurityWebhookRules } from './rules.js';
import { configSchema, type Config, type ParsedConfig } from './schema.js';
import { describeSettings, envNameOf } from './settings.js';

export { ConfigError } from './errors.js';
export { DEFAULT_CONFIG_FILE } from './layers.js';

export interface LoadConfigOptions extends LayerOptions {
  /** Values from command-line flags, highest precedence. */
  readonly flags?: { readonly dev?: boolean; readonly workers?: string };
  /**
   * Whether a data folder was set up by `serve --dev`. Given (by the admin CLI), a configuration that sets none of
   * `dev`, `issuer` and `databaseUrl` is loaded in dev mode when its data folder was: production always names an
   * issuer or a database, so it never becomes dev this way.
   */
  readonly isDevDataDir?: (dataDir: string) => boolean;
}

/** @throws ConfigError listing every problem: invalid values and, for what parsed, the cross-field rules */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const layers = readLayers(options);
  if (options.flags?.dev !== undefined) setPath(layers.raw, layers.sources, ['dev'], options.flags.dev, 'flag --dev');
  else if (options.isDevDataDir) inferDevMode(layers, options.isDevDataDir);
  if (options.flags?.workers !== undefined) setPath(layers.raw, layers.sources, ['workers'], parseCount(options.flags.workers), 'flag --workers');

  const { data, problems, invalidPaths } = validateLayers(configSchema, layers);
  if (data === undefined) throw new ConfigError(problems);
  const config = deriveConfig(data);
  const where = (path: string) => whereToSet(path, layers);
  const ruleProblems = [...checkKeyRules(config.keys), ...checkProductionRules(config, where), ...checkSecurityWebhookRules(config, where), ...checkMetricsRules(config, where)]
    // A value already reported invalid was replaced by its default: a rule about that default would mislead.
    .filter(({ path }) => !invalidPaths.has(path))
    .map(({ path, message }) => problemAt(path, message, layers.sources));
  if (problems.length + ruleProblems.length > 0) throw new ConfigError([...problems, ...ruleProblems]);
  return deepFreeze(config);
}

/** What `migrate` needs: where the database is. */
export type DatabaseConfig = Readonly<Pick<Config, 'dataDir' | 'databaseUrl' | 'sqliteSynchronous'>>;

/** Where a configuration says the database is, and how SQLite commits, as openStore takes it. */
export function storeOptionsOf(config: DatabaseConfig): OpenStoreOptions {
  return { databaseUrl: config.databaseUrl, dataDir: config.dataDir, sqliteSynchronous: config.sqliteSynchronous };
}

const databaseSchema = configSchema.pick({ dataDir: true, databaseUrl: true, sqliteSynchronous: true });

/** Validates only the database settings, so `migrate` runs before the rest is configured. @throws ConfigError */
export function loadDatabaseConfig(options: LayerOptions = {}): DatabaseConfig {
  const layers = readLayers(options);
  const { dataDir, databaseUrl, sqliteSynchronous } = layers.raw;
  const { data, problems } = validateLayers(databaseSchema, { ...layers, raw: { dataDir, databaseUrl, sqliteSynchronous } });
  if (data === undefined || problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(data);
}

/** The issuer dev mode uses when none is configured: loopback on the port Gatehouse listens on. */
export function devIssuer(port: number): string {
  return `http://localhost:${port}`;
}

/** The configuration once the server listens: `port` is the real one (0 picks a free port), and so is a dev issuer's. */
export function withListeningPort(config: Config, port: number): Config {
  return deepFreeze({ ...config, port, issuer: config.issuerFollowsPort ? devIssuer(port) : config.issuer });
}

function inferDevMode(layers: Layers, isDevDataDir: (dataDir: string) => boolean): void {
  const { raw, sources } = layers;
  if (raw.dev !== undefined || raw.issuer !== undefined || raw.databaseUrl !== undefined) return;
  const dataDir = typeof raw.dataDir === 'string' ? raw.dataDir : String(describeSettings().get('dataDir')?.defaultValue);
  if (isDevDataDir(dataDir)) setPath(raw, sources, ['dev'], true, `${resolve(dataDir)} was created by serve --dev`);
}

/** A flag's digits as a number; anything else as given, for the schema to accept (`auto`) or refuse with its expected form. */
function parseCount(text: string): unknown {
  return /^\d{1,6}$/.test(text) ? Number(text) : text;
}

function whereToSet(path: string, layers: Layers): string {
  return `set ${envNameOf(path.split('.'))} or \`${path}\` in ${layers.file ?? DEFAULT_CONFIG_FILE}`;
}

function deriveConfig(parsed: ParsedConfig): Config {
  const issuerFollowsPort = parsed.issuer === undefined && parsed.dev;
  const issuer = parsed.issuer ?? (parsed.dev ? devIssuer(parsed.port) : '');
  return { ...parsed, issuer, issuerFollowsPort, seedDemo: parsed.seedDemo ?? parsed.dev };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
