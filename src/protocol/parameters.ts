// Request parameters as protocol code wants them: each a single string of bounded size, or invalid_request.
import { InvalidRequest } from '../errors/oauth-errors.js';

/** Parameters of one request: each name maps to exactly one string value. */
export type Parameters = ReadonlyMap<string, string>;

/**
 * Reads a parsed query string or form body. RFC 6749 §3.1 and §3.2: parameters must not be repeated;
 * a repeated one, a non-string one, or one longer than `maxBytes` is invalid_request.
 */
export function readParameters(source: unknown, maxBytes: number): Parameters {
  const parameters = new Map<string, string>();
  if (source === undefined || source === null) return parameters;
  if (typeof source !== 'object') throw new InvalidRequest({ description: 'The request parameters could not be read.' });
  for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
    if (Array.isArray(value)) throw new InvalidRequest({ description: 'A request parameter was sent more than once.' });
    if (typeof value !== 'string') throw new InvalidRequest({ description: 'A request parameter has an unreadable value.' });
    if (Buffer.byteLength(value, 'utf8') > maxBytes || Buffer.byteLength(name, 'utf8') > maxBytes) {
      throw new InvalidRequest({ description: 'A request parameter is too large.' });
    }
    // RFC 6749 §3.1: parameters sent without a value are treated as omitted.
    if (value !== '') parameters.set(name, value);
  }
  return parameters;
}
