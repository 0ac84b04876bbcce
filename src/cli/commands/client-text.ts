// Human-readable client output: aligned key-value lines and a one-line-per-client table, never a secret.
import { systemClock } from '../../clock.js';
import type { ClientView } from '../../clients/registration.js';
import { formatTable } from '../table.js';

const timestamp = (epochSeconds: number): string => new Date(epochSeconds * 1000).toISOString();

export function describeClient(client: ClientView): string[] {
  const rows: [string, string][] = [
    ['client_id', client.clientId],
    ['client_name', client.clientName],
    ['client_type', client.clientType],
    ['first_party', client.firstParty ? 'yes' : 'no'],
    ['token_endpoint_auth_method', client.tokenEndpointAuthMethod],
    ['grant_types', client.grantTypes.join(', ')],
    ['scope', client.scope],
    ['id_token_signed_response_alg', client.idTokenSignedResponseAlg],
    ['redirect_uris', client.redirectUris.join('\n')],
    ['post_logout_redirect_uris', client.postLogoutRedirectUris.join('\n') || '(none)'],
    ['created', timestamp(client.createdAt)],
    ['updated', timestamp(client.updatedAt)],
  ];
  if (client.previousSecretExpiresAt !== null && client.previousSecretExpiresAt > systemClock()) {
    rows.push(['previous secret valid until', timestamp(client.previousSecretExpiresAt)]);
  }
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  // A multi-line value (several URIs) continues under its first line.
  return rows.flatMap(([label, value]) => value.split('\n').map((line, index) => `${(index === 0 ? `${label}:` : '').padEnd(width)}${line}`));
}

export function describeClientList(clients: readonly ClientView[]): string[] {
  if (clients.length === 0) return ['no clients'];
  return formatTable(
    ['CLIENT_ID', 'NAME', 'TYPE', 'GRANT_TYPES', 'REDIRECT_URIS'],
    clients.map((client) => [client.clientId, client.clientName, client.clientType, client.grantTypes.join(','), client.redirectUris.join(' ')]),
  );
}
