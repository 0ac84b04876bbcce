// API output: aligned fields and a table for people, RFC 8707-named JSON for tools.
import type { ApiRecord, ClientApiAccess } from '../../store/records.js';
import { formatFields, formatTable, formatTime } from '../table.js';

export function describeApi(api: ApiRecord): string[] {
  return formatFields([
    ['identifier', api.identifier],
    ['name', api.name],
    ['scopes', api.scopes.map((scope) => `${scope.name} = ${scope.description}`).join('\n') || '(none)'],
    ['access_token_ttl', api.accessTokenTtl === null ? 'default (tokens.accessTokenTtl)' : `${api.accessTokenTtl} s`],
    ['resource_server_clients', api.resourceServerClientIds.join('\n') || '(none)'],
    ['created', formatTime(api.createdAt)],
    ['updated', formatTime(api.updatedAt)],
  ]);
}

export function describeApiList(apis: readonly ApiRecord[]): string[] {
  if (apis.length === 0) return ['no APIs'];
  return formatTable(
    ['IDENTIFIER', 'NAME', 'SCOPES'],
    apis.map((api) => [api.identifier, api.name, api.scopes.map((scope) => scope.name).join(' ')]),
  );
}

export function toApiJson(api: ApiRecord): Record<string, unknown> {
  return {
    identifier: api.identifier,
    name: api.name,
    scopes: api.scopes,
    access_token_ttl: api.accessTokenTtl,
    resource_server_client_ids: api.resourceServerClientIds,
    created_at: api.createdAt,
    updated_at: api.updatedAt,
  };
}

export function describeClientApis(clientId: string, accessList: readonly ClientApiAccess[]): string[] {
  if (accessList.length === 0) return [`client ${clientId} may use no APIs`];
  return formatTable(['API', 'SCOPES'], accessList.map((access) => [access.api.identifier, access.scope]));
}

export function toClientApisJson(clientId: string, accessList: readonly ClientApiAccess[]): Record<string, unknown> {
  return { client_id: clientId, apis: accessList.map((access) => ({ identifier: access.api.identifier, scope: access.scope })) };
}
