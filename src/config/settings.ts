// Walks the config schema into a flat list of settings: path, env name, kind, expected form, default.
import type { z } from 'zod';
import { configSchema } from './schema.js';
import type { SettingMeta } from './setting.js';

export interface SettingLeaf extends SettingMeta {
  readonly path: readonly string[];
  /** How an environment value is parsed before validation. */
  readonly kind: 'string' | 'number' | 'boolean' | 'json';
  readonly defaultValue: unknown;
}

interface ZodDefLike {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly defaultValue?: unknown;
  readonly shape?: Record<string, z.ZodType>;
}

const defOf = (schema: z.ZodType): ZodDefLike => (schema as unknown as { def: ZodDefLike }).def;

/** `tokens.accessTokenTtl` -> `GATEHOUSE_TOKENS_ACCESS_TOKEN_TTL`. */
export function envNameOf(path: readonly string[]): string {
  return `GATEHOUSE_${path.map((key) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_')}`;
}

let cached: ReadonlyMap<string, SettingLeaf> | undefined;

/** Every leaf setting of the schema keyed by dotted path, in schema order. */
export function describeSettings(): ReadonlyMap<string, SettingLeaf> {
  cached ??= new Map(collectLeaves(configSchema, []).map((leaf) => [leaf.path.join('.'), leaf]));
  return cached;
}

function collectLeaves(schema: z.ZodType, path: string[]): SettingLeaf[] {
  const meta = schema.meta() as SettingMeta | undefined;
  if (meta?.expected) return [leafOf(schema, path, meta)];
  const shape = objectShape(schema);
  if (!shape) throw new Error(`config schema: ${path.join('.')} has no metadata`);
  return Object.entries(shape).flatMap(([key, child]) => collectLeaves(child, [...path, key]));
}

function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let def = defOf(schema);
  while (def.innerType && def.type !== 'object') def = defOf(def.innerType);
  return def.type === 'object' ? def.shape : undefined;
}

function leafOf(schema: z.ZodType, path: string[], meta: SettingMeta): SettingLeaf {
  let def = defOf(schema);
  let defaultValue: unknown;
  while (def.innerType) {
    if (def.type === 'default') defaultValue = def.defaultValue;
    def = defOf(def.innerType);
  }
  const kind = def.type === 'number' ? 'number' : def.type === 'boolean' ? 'boolean' : def.type === 'string' || def.type === 'enum' ? 'string' : 'json';
  return { ...meta, path, kind, defaultValue };
}
