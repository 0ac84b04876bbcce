// The layers of a configuration: defaults <- a JSON file <- GATEHOUSE_* env <- flags, merged into one raw object
// that remembers where each value came from.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './errors.js';
import { describeSettings, envNameOf, type SettingLeaf } from './settings.js';

export const DEFAULT_CONFIG_FILE = 'gatehouse.config.json';

export type Raw = Record<string, unknown>;
/** Dotted path -> "from file PATH", "from env NAME", "flag --dev", ... */
export type Sources = Map<string, string>;

/** The merged, not yet validated values, their sources, and the file read (if any). */
export interface Layers {
  readonly raw: Raw;
  readonly sources: Sources;
  readonly file: string | undefined;
}

export interface LayerOptions {
  /** Path from `--config`; falls back to GATEHOUSE_CONFIG, then ./gatehouse.config.json if present. */
  readonly configPath?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
}

/** Reads the file and the environment. @throws ConfigError when a named file is missing or the file is not a JSON object */
export function readLayers(options: LayerOptions): Layers {
  const env = options.env ?? process.env;
  const raw: Raw = {};
  const sources: Sources = new Map();
  const leaves = describeSettings();
  const file = resolveConfigFile(options.configPath, env);
  if (file) mergeFile(raw, sources, file, leaves);
  mergeEnv(raw, sources, env, leaves);
  return { raw, sources, file };
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

export function setPath(raw: Raw, sources: Sources, path: readonly string[], value: unknown, source: string): void {
  let node = raw;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Raw;
  }
  node[path[path.length - 1]!] = value;
  sources.set(path.join('.'), source);
}

/** Where the value at `path` (or its group) came from; undefined when it is the default. */
export function sourceOf(sources: Sources, path: string): string | undefined {
  for (let p = path; p !== ''; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const source = sources.get(p);
    if (source) return source;
  }
  return undefined;
}
