// Scope strings at the token endpoint (RFC 6749 §3.3): parsing, and narrowing on refresh (RFC 6749 §6).
import { SCOPE_TOKEN } from '../config/schema.js';
import { InvalidScope } from '../errors/oauth-errors.js';

/** The scope tokens of a space-delimited scope string, without empty ones. */
export function scopeTokens(scope: string): readonly string[] {
  return scope.split(' ').filter((token) => token !== '');
}

export function includesScope(scope: string, token: string): boolean {
  return scopeTokens(scope).includes(token);
}

/**
 * The scope of a refresh: the granted scope when none was requested, else the requested subset of it, in granted order.
 * @throws InvalidScope for a malformed scope or one naming anything not originally granted.
 */
export function narrowScope(requested: string | undefined, granted: string): string {
  if (requested === undefined) return granted;
  const tokens = scopeTokens(requested);
  if (tokens.length === 0 || tokens.some((token) => !SCOPE_TOKEN.test(token))) throw new InvalidScope({ description: 'The requested scope is malformed.' });
  const grantedTokens = scopeTokens(granted);
  // RFC 6749 §6: the requested scope must not include any scope not originally granted.
  if (tokens.some((token) => !grantedTokens.includes(token))) throw new InvalidScope({ description: 'The requested scope exceeds the scope originally granted.' });
  return grantedTokens.filter((token) => tokens.includes(token)).join(' ');
}
