// Scope sets as consent sees them: whether an earlier consent covers a request, and the union that is remembered.

const tokensOf = (scope: string): string[] => scope.split(' ').filter((token) => token !== '');

/** Whether every scope in `requested` was already allowed in `granted` (a new scope asks again). */
export function scopeCovers(granted: string, requested: string): boolean {
  const allowed = new Set(tokensOf(granted));
  return tokensOf(requested).every((token) => allowed.has(token));
}

/** The union of two scope strings, earlier scopes first, each once. */
export function mergeScopes(earlier: string, added: string): string {
  return [...new Set([...tokensOf(earlier), ...tokensOf(added)])].join(' ');
}
