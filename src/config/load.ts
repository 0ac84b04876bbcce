// Loads configuration: defaults <- file <- GATEHOUSE_* env <- flags, remembering where each value came from.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configSchema, type Config, type ParsedConfig } from './schema.js';
import { describeSettings, envNameOf, type SettingLeaf } from './settings.js';
import { checkProductionRules } from './rules.js';

export const DEFAULT_CONFIG_FILE = 'gatehouse.config.json';

/** Every problem found in a configuration, each naming field, expected form, value and source. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** Path from `--config`; falls back to GATEHOUSE_CONFIG, then ./gatehouse.config.json if present. */
  readonly configPath?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  /** Values from command-line flags, highest precedence. */
  readonly flags?: { readonly dev?: boolean };
}

type Raw = Record<string, unknown>;
type Sources = Map<string, string>;

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const raw: Raw = {};
  const sources: Sources = new Map();
  const leaves = describeSettings();

  const file = resolveConfigFile(options.configPath, env);
  if (file) mergeFile(raw, sources, file, leaves);
  mergeEnv(raw, sources, env, leaves);
  if (options.flags?.dev !== undefined) setPath(raw, sources, ['dev'], options.flags.dev, 'flag --dev');

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => describeIssue(issue, raw, sources, leaves)));
  const config = deriveConfig(parsed.data);
  const ruleProblems = checkProductionRules(config).map(
    ({ path, message }) => `\`${path}\`: ${message} (${sourceOf(sources, path)})`,
  );
  if (ruleProblems.length > 0) throw new ConfigError(ruleProblems);
  return deepFreeze(config);
}

function resolveConfigFile(explicit: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const named = explicit ?? env.GATEHOUSE_CONFIG;
  if (named !== undefined) {
    const path = resolve(named);
    if (!existsSync(path)) throw new ConfigError([`config file ${named}: not found`]);
    return path;
  }
  return existsSync(DEFAULT_CONFIG_FILE) ? resolve(DEFAULT_CONFIG_FILE) : undefined;
}

function mergeFile(raw: Raw, sources: Sources, path: string, leaves: ReadonlyMap<string, SettingLeaf>): void {
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'cannot be read';
    throw new ConfigError([`config file ${path}: ${reason}`]);
  }
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    throw new ConfigError([`config file ${path}: expected a JSON object at the top level`]);
  }
  Object.assign(raw, content);
  recordSources(content as Raw, [], sources, `from file ${path}`, leaves);
}

function recordSources(value: Raw, prefix: string[], sources: Sources, source: string, leaves: ReadonlyMap<string, SettingLeaf>): void {
  for (const [key, child] of Object.entries(value)) {
    const path = [...prefix, key];
    sources.set(path.join('.'), source);
    const isGroup = !leaves.has(path.join('.')) && typeof child === 'object' && child !== null && !Array.isArray(child);
    if (isGroup) recordSources(child as Raw, path, sources, source, leaves);
  }
}

function mergeEnv(raw: Raw, sources: Sources, env: NodeJS.ProcessEnv, leaves: ReadonlyMap<string, SettingLeaf>): void {
  for (const leaf of leaves.values()) {
    const name = envNameOf(leaf.path);
    const text = env[name];
    if (text === undefined || text === '') continue;
    setPath(raw, sources, leaf.path, parseEnvValue(text, leaf.kind), `from env ${name}`);
  }
}

/** Environment values are text; numbers, booleans and JSON values are parsed by the leaf's kind, or left as text for the schema to refuse. */
function parseEnvValue(text: string, kind: SettingLeaf['kind']): unknown {
  switch (kind) {
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : text;
    case 'boolean':
      if (/^(true|1|yes)$/i.test(text)) return true;
      if (/^(false|0|no)$/i.test(text)) return false;
      return text;
    case 'json':
      // Not JSON: the text itself, for the schema to accept (a comma-separated list) or refuse with its expected form.
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    case 'string':
      return text;
  }
}

function setPath(raw: Raw, sources: Sources, path: readonly string[], value: unknown, source: string): void {
  let node = raw;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Raw;
  }
  node[path[path.length - 1]!] = value;
  sources.set(path.join('.'), source);
}

interface ZodIssueLike {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly keys?: readonly string[];
  readonly message: string;
}

function describeIssue(issue: ZodIssueLike, raw: Raw, sources: Sources, leaves: ReadonlyMap<string, SettingLeaf>): string {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return (issue.keys ?? [])
      .map((key) => {
        const full = [...path, key].join('.');
        return `\`${full}\`: unknown setting (${sourceOf(sources, full)})`;
      })
      .join('; ');
  }
  // Array and record members report the leaf that owns them.
  let leafPath = path;
  while (leafPath.length > 0 && !leaves.has(leafPath.join('.'))) leafPath = leafPath.slice(0, -1);
  const leaf = leaves.get(leafPath.join('.'));
  const key = path.join('.');
  // A custom issue carries a message written for the operator (see trust-proxy.ts); it names the owning setting.
  if (issue.code === 'custom') return `\`${leafPath.join('.')}\`: ${issue.message} (${sourceOf(sources, key)})`;
  const expected = leaf?.expected ?? 'a settings group (JSON object)';
  return `\`${key}\`: expected ${expected}, got ${showValue(valueAt(raw, path), leaf)} (${sourceOf(sources, key)})`;
}

function sourceOf(sources: Sources, path: string): string {
  for (let p = path; p !== ''; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const source = sources.get(p);
    if (source) return source;
  }
  return 'default';
}

function valueAt(raw: Raw, path: readonly string[]): unknown {
  let node: unknown = raw;
  for (const key of path) node = typeof node === 'object' && node !== null ? (node as Raw)[key] : undefined;
  return node;
}

/** Shows a rejected value, never a secret and never a password inside a URL. */
function showValue(value: unknown, leaf: SettingLeaf | undefined): string {
  if (value === undefined) return 'nothing';
  if (leaf?.secret) return typeof value === 'string' ? `a value of ${value.length} characters` : `a ${typeof value}`;
  const text = JSON.stringify(value) ?? `a ${typeof value}`;
  const redacted = text.replace(/(\/\/[^/@:]*:)[^/@]*@/g, '$1***@');
  return redacted.length > 80 ? `${redacted.slice(0, 77)}...` : redacted;
}

function deriveConfig(parsed: ParsedConfig): Config {
  const issuer = parsed.issuer ?? (parsed.dev ? `http://localhost:${parsed.port}` : '');
  return { ...parsed, issuer, seedDemo: parsed.seedDemo ?? parsed.dev };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
