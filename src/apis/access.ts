// What a client may ask of the APIs it is allowed: which resources it may name and which of their scopes it may request.
import { InvalidTarget } from '../errors/oauth-errors.js';
import { parseScope } from '../protocol/scope.js';
import type { ClientApiAccess } from '../store/records.js';

/** The scopes of an allowance the client may use: those allowed to it that the API still defines. */
export function allowedScopes(access: ClientApiAccess): readonly string[] {
  const defined = new Set(access.api.scopes.map((scope) => scope.name));
  return parseScope(access.scope).filter((scope) => defined.has(scope));
}

/** The client's access to the API named by `resource`. @throws InvalidTarget when unknown or not allowed (RFC 8707 §2). */
export function findAccess(accessList: readonly ClientApiAccess[], resource: string): ClientApiAccess {
  const access = accessList.find((candidate) => candidate.api.identifier === resource);
  // RFC 8707 §2: an unknown resource and one the client may not use answer alike, so neither reveals which APIs exist.
  if (access === undefined) throw new InvalidTarget({ cause: new Error('resource unknown or not allowed to the client') });
  return access;
}
