// How consent records API scopes: qualified by their API, so consent to one API's scope never covers another's.
import type { AuthorizationRequestRecord } from '../store/records.js';
import type { ApiRepository } from '../store/store.js';
import { allowedScopes } from './access.js';

/**
 * The scope a request asks the person to consent to, as the consent record keeps it: the client's own scopes as they
 * are, and each API scope as `<identifier>#<scope>` for every requested API that grants it. Two APIs may both define
 * `read`; consenting to one must not let the other's be issued silently. Identifiers hold no `#` (RFC 8707 §2) and no
 * space, so the qualified form is unambiguous and stays a scope string.
 */
export async function consentScopeOf(
  apis: Pick<ApiRepository, 'listForClient'>,
  request: Pick<AuthorizationRequestRecord, 'clientId' | 'scope' | 'resources'>,
): Promise<string> {
  if (request.resources.length === 0) return request.scope;
  const requested = (await apis.listForClient(request.clientId)).filter((access) => request.resources.includes(access.api.identifier));
  return request.scope
    .split(' ')
    .flatMap((scope) => {
      const granting = requested.filter((access) => allowedScopes(access).includes(scope));
      return granting.length === 0 ? [scope] : granting.map((access) => `${access.api.identifier}#${scope}`);
    })
    .join(' ');
}
