// Step 6b: the requested scope, a subset of what the client is registered for and of the requested APIs' scopes it is
// allowed; there is no default scope.
import { allowedScopes, findAccess } from '../../apis/access.js';
import { InvalidScope } from '../../errors/oauth-errors.js';
import { parseScope } from '../../protocol/scope.js';
import type { StepInput } from './step.js';

/** `resources` are the checked resource indicators: an API's scopes may be requested only along with that API. */
export function checkScope({ parameters, client, apiAccess }: Pick<StepInput, 'parameters' | 'client' | 'apiAccess'>, resources: readonly string[]): { readonly scope: string } {
  const requested = parameters.get('scope');
  // RFC 6749 §3.3: without a scope the server uses a default or fails; Gatehouse fails, so no client is granted a surprise.
  if (requested === undefined) throw new InvalidScope({ description: 'The scope parameter is required.', reason: 'scope' });
  const tokens = parseScope(requested);
  const allowed = new Set([...parseScope(client.scope), ...resources.flatMap((resource) => allowedScopes(findAccess(apiAccess, resource)))]);
  // RFC 6749 §3.3: each scope must be one the client is registered for; unknown ones are refused, not dropped.
  if (tokens.length === 0 || !tokens.every((token) => allowed.has(token))) throw new InvalidScope({ cause: new Error('a scope not registered for the client'), reason: 'scope' });
  return { scope: tokens.join(' ') };
}
