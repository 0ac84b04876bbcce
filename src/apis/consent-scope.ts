// How consent records API scopes: qualified by their API, so consent to one API's scope never covers another's.
import { parseScope } from '../protocol/scope.js';
import type { ApiRecord, AuthorizationRequestRecord } from '../store/records.js';
import type { ApiRepository } from '../store/store.js';
import { allowedScopes } from './access.js';

type ApiLookup = Pick<ApiRepository, 'listForClient'>;
type ScopedRequest = Pick<AuthorizationRequestRecord, 'clientId' | 'scope' | 'resources'>;

/** One scope a request asks the person to consent to: the client's own (no `api`), or the scope at one API. */
export interface ConsentItem {
  readonly scope: string;
  readonly api?: ApiRecord;
}

/**
 * What a request asks consent for, scope by scope: the client's own scopes as they are, and each API scope once for
 * every requested API that allows it to this client now. Two APIs may both define `read`; consenting to one must not
 * let the other's be issued silently, so each is its own item.
 */
export async function consentItemsOf(apis: ApiLookup, request: ScopedRequest): Promise<ConsentItem[]> {
  const requested =
    request.resources.length === 0 ? [] : (await apis.listForClient(request.clientId)).filter((access) => request.resources.includes(access.api.identifier));
  return parseScope(request.scope).flatMap((scope) => {
    const granting = requested.filter((access) => allowedScopes(access).includes(scope));
    return granting.length === 0 ? [{ scope }] : granting.map((access) => ({ scope, api: access.api }));
  });
}

/**
 * An API scope as `<identifier>#<scope>`. Identifiers hold no `#` (RFC 8707 §2) and no space, so the qualified form is
 * unambiguous (the identifier ends at the first `#`) and stays a scope string.
 */
const qualify = (identifier: string, scope: string): string => `${identifier}#${scope}`;

/** Splits a qualified API scope `<identifier>#<scope>` at its first `#`; undefined for a client's own scope. */
export function unqualify(qualified: string): { readonly identifier: string; readonly scope: string } | undefined {
  const separator = qualified.indexOf('#');
  return separator < 0 ? undefined : { identifier: qualified.slice(0, separator), scope: qualified.slice(separator + 1) };
}

/** The scope the consent record keeps for a request: its items, API scopes qualified. */
export async function consentScopeOf(apis: ApiLookup, request: ScopedRequest): Promise<string> {
  const items = await consentItemsOf(apis, request);
  return items.map(({ scope, api }) => (api === undefined ? scope : qualify(api.identifier, scope))).join(' ');
}

/** The API scopes of a request, qualified: what a code and its grant record as granted at each API (RFC 8707 §2.2). */
export async function apiScopeOf(apis: ApiLookup, request: ScopedRequest): Promise<string> {
  const items = await consentItemsOf(apis, request);
  return items.flatMap(({ scope, api }) => (api === undefined ? [] : [qualify(api.identifier, scope)])).join(' ');
}

/** The scopes a qualified `apiScope` grants at the API `identifier`. */
export function scopesGrantedAt(apiScope: string, identifier: string): ReadonlySet<string> {
  const prefix = qualify(identifier, '');
  return new Set(parseScope(apiScope).flatMap((qualified) => (qualified.startsWith(prefix) ? [qualified.slice(prefix.length)] : [])));
}
