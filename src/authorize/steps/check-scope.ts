// Step 6: the requested scope, a subset of what the client is registered for; there is no default scope.
import { InvalidScope } from '../../errors/oauth-errors.js';
import { parseScope, scopeCovers } from '../../protocol/scope.js';
import type { StepInput } from './step.js';

export function checkScope({ parameters, client }: StepInput): { readonly scope: string } {
  const requested = parameters.get('scope');
  // RFC 6749 §3.3: without a scope the server uses a default or fails; Gatehouse fails, so no client is granted a surprise.
  if (requested === undefined) throw new InvalidScope({ description: 'The scope parameter is required.' });
  const tokens = parseScope(requested);
  // RFC 6749 §3.3: each scope must be one the client is registered for; unknown ones are refused, not dropped.
  if (tokens.length === 0 || !scopeCovers(client.scope, requested)) throw new InvalidScope({ cause: new Error('a scope not registered for the client') });
  return { scope: tokens.join(' ') };
}
