// Schema issues as problems an operator can act on (field, expected form, value, source), and what still parses
// once the invalid values are set aside, so cross-field rules can report in the same run.
import type { z } from 'zod';
import { sourceOf, type Layers, type Raw, type Sources } from './layers.js';
import { describeSettings, type SettingLeaf } from './settings.js';

export interface Validation<T> {
  /** The parsed value with every invalid setting at its default; undefined when even that does not parse. */
  readonly data: T | undefined;
  readonly problems: readonly string[];
  /** Dotted paths of the settings found invalid. */
  readonly invalidPaths: ReadonlySet<string>;
}

interface ZodIssueLike {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly keys?: readonly string[];
  readonly message: string;
}

export function validateLayers<T>(schema: z.ZodType<T>, layers: Layers): Validation<T> {
  const first = schema.safeParse(layers.raw);
  if (first.success) return { data: first.data, problems: [], invalidPaths: new Set() };
  const leaves = describeSettings();
  const issues = first.error.issues;
  const problems = issues.map((issue) => describeIssue(issue, layers.raw, layers.sources, leaves));
  const invalidPaths = new Set(issues.flatMap((issue) => invalidPathsOf(issue, leaves)));
  const second = schema.safeParse(withoutPaths(layers.raw, invalidPaths));
  return { data: second.success ? second.data : undefined, problems, invalidPaths };
}

/** "`path`: message (from env NAME)"; a value nobody set has no source to name. */
export function problemAt(path: string, message: string, sources: Sources): string {
  const source = sourceOf(sources, path);
  return `\`${path}\`: ${message}${source === undefined ? '' : ` (${source})`}`;
}

function describeIssue(issue: ZodIssueLike, raw: Raw, sources: Sources, leaves: ReadonlyMap<string, SettingLeaf>): string {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return (issue.keys ?? []).map((key) => problemAt([...path, key].join('.'), 'unknown setting', sources)).join('; ');
  }
  const leafPath = owningLeafPath(path, leaves);
  const leaf = leaves.get(leafPath);
  const key = path.join('.');
  // A custom issue carries a message written for the operator (see trust-proxy.ts); it names the owning setting.
  if (issue.code === 'custom') return problemAt(leafPath, issue.message, sources);
  const expected = leaf?.expected ?? 'a settings group (JSON object)';
  return problemAt(key, `expected ${expected}, got ${showValue(valueAt(raw, path), leaf)}`, sources);
}

/** Array and record members belong to the leaf setting that holds them. */
function owningLeafPath(path: readonly string[], leaves: ReadonlyMap<string, SettingLeaf>): string {
  let leafPath = path;
  while (leafPath.length > 0 && !leaves.has(leafPath.join('.'))) leafPath = leafPath.slice(0, -1);
  return leafPath.length > 0 ? leafPath.join('.') : path.join('.');
}

function invalidPathsOf(issue: ZodIssueLike, leaves: ReadonlyMap<string, SettingLeaf>): string[] {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') return (issue.keys ?? []).map((key) => [...path, key].join('.'));
  return [owningLeafPath(path, leaves)];
}

function withoutPaths(raw: Raw, paths: ReadonlySet<string>): Raw {
  const copy = structuredClone(raw);
  for (const path of paths) {
    const keys = path.split('.');
    const parent = valueAt(copy, keys.slice(0, -1));
    if (typeof parent === 'object' && parent !== null) delete (parent as Raw)[keys[keys.length - 1]!];
  }
  return copy;
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
