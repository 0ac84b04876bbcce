// Human-readable client output: aligned key-value lines and a one-line-per-client table, never a secret.
import { systemClock } from '../../clock.js';
import type { ClientView } from '../../clients/registration.js';
import { formatFields, formatTable, formatTime } from '../table.js';

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
    ['backchannel_logout_uri', client.backchannelLogoutUri ?? '(none)'],
    ['created', formatTime(client.createdAt)],
    ['updated', formatTime(client.updatedAt)],
  ];
  if (client.previousSecretExpiresAt !== null && client.previousSecretExpiresAt > systemClock()) {
    rows.push(['previous secret valid until', formatTime(client.previousSecretExpiresAt)]);
  }
  return formatFields(rows);
}

export function describeClientList(clients: readonly ClientView[]): string[] {
  if (clients.length === 0) return ['no clients'];
  return formatTable(
    ['CLIENT_ID', 'NAME', 'TYPE', 'GRANT_TYPES', 'REDIRECT_URIS'],
    clients.map((client) => [client.clientId, client.clientName, client.clientType, client.grantTypes.join(','), client.redirectUris.join(' ')]),
  );
}
