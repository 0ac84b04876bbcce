// Resource indicators (RFC 8707): the repeatable `resource` parameter and the form each value must have.
import { InvalidRequest, InvalidTarget } from '../errors/oauth-errors.js';

/** The request's `resource` values, and every other parameter left for `readParameters` (which refuses repeats). */
export interface SplitResources {
  readonly resources: readonly string[];
  readonly rest: unknown;
}

/**
 * Takes `resource` out of a parsed query string or form body: RFC 8707 §2 lets it repeat, unlike every other parameter
 * (RFC 6749 §3.1). Each value is bounded by `maxBytes` like any parameter; an empty one counts as omitted.
 */
export function splitResourceParameters(source: unknown, maxBytes: number): SplitResources {
  if (typeof source !== 'object' || source === null || !Object.hasOwn(source, 'resource')) return { resources: [], rest: source };
  const { resource, ...rest } = source as Record<string, unknown>;
  const values: unknown[] = Array.isArray(resource) ? resource : [resource];
  if (!values.every((value): value is string => typeof value === 'string')) throw new InvalidRequest({ description: 'A resource parameter has an unreadable value.' });
  if (values.some((value) => Buffer.byteLength(value, 'utf8') > maxBytes)) throw new InvalidRequest({ description: 'A request parameter is too large.' });
  return { resources: [...new Set(values.filter((value) => value !== ''))], rest };
}

/** RFC 8707 §2: a resource indicator is an absolute URI without a fragment. */
export function isResourceIndicator(value: string): boolean {
  if (!URL.canParse(value)) return false;
  return !value.includes('#');
}

/** @throws InvalidTarget for a value that is not an absolute URI without a fragment (RFC 8707 §2). */
export function checkResourceIndicator(value: string): string {
  if (!isResourceIndicator(value)) throw new InvalidTarget({ description: 'A resource must be an absolute URI without a fragment.' });
  return value;
}
