// Scope strings (RFC 6749 §3.3): parsing, membership, narrowing on refresh (§6), and the union consent remembers.
import { InvalidScope } from '../errors/oauth-errors.js';

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
export const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** The scope tokens of a space-delimited scope string, each once, in first-seen order, without empty ones. */
export function parseScope(scope: string): readonly string[] {
  return [...new Set(scope.split(' ').filter((token) => token !== ''))];
}

/** Whether `scope` names `token`. */
export function includesScope(scope: string, token: string): boolean {
  return parseScope(scope).includes(token);
}

/** Whether every token of `requested` is in `granted` (a consent that covers a request, or a request within an allowance). */
export function scopeCovers(granted: string, requested: string): boolean {
  const allowed = new Set(parseScope(granted));
  return parseScope(requested).every((token) => allowed.has(token));
}

/** The union of two scope strings, earlier tokens first, each once. */
export function mergeScopes(earlier: string, added: string): string {
  return parseScope(`${earlier} ${added}`).join(' ');
}

/**
 * The scope of a refresh: the granted scope when none was requested, else the requested subset of it, in granted order.
 * @throws InvalidScope for a malformed scope or one naming anything not originally granted.
 */
/** The tokens of a `scope` parameter a client sent. @throws InvalidScope when it is empty or a token is malformed (RFC 6749 §3.3). */
export function parseRequestedScope(requested: string): readonly string[] {
  const tokens = parseScope(requested);
  if (tokens.length === 0 || tokens.some((token) => !SCOPE_TOKEN.test(token))) throw new InvalidScope({ description: 'The requested scope is malformed.', reason: 'scope' });
  return tokens;
}

export function narrowScope(requested: string | undefined, granted: string): string {
  if (requested === undefined) return granted;
  const tokens = parseRequestedScope(requested);
  // RFC 6749 §6: the requested scope must not include any scope not originally granted.
  if (!scopeCovers(granted, requested)) throw new InvalidScope({ description: 'The requested scope exceeds the scope originally granted.', reason: 'scope' });
  return parseScope(granted).filter((token) => tokens.includes(token)).join(' ');
}
