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
    ['redirect_uris', client.redirectUris.join('\n') || '(none)'],
    ['post_logout_redirect_uris', client.postLogoutRedirectUris.join('\n') || '(none)'],
    ...keyRows(client),
    ['backchannel_logout_uri', client.backchannelLogoutUri ?? '(none)'],
    ['require_pushed_authorization_requests', client.requirePushedAuthorizationRequests ? 'yes' : 'no'],
    ['dpop_bound_access_tokens', client.dpopBoundAccessTokens ? 'yes' : 'no'],
    ['created', formatTime(client.createdAt)],
    ['updated', formatTime(client.updatedAt)],
  ];
  if (client.previousSecretExpiresAt !== null && client.previousSecretExpiresAt > systemClock()) {
    rows.push(['previous secret valid until', formatTime(client.previousSecretExpiresAt)]);
  }
  return formatFields(rows);
}

/** A private_key_jwt client's keys: its jwks_uri, or the key ids and types of its registered JWK Set. */
function keyRows(client: ClientView): [string, string][] {
  if (client.jwksUri !== null) return [['jwks_uri', client.jwksUri]];
  if (client.jwks === null) return [];
  const keys = client.jwks.keys.map((key) => [key.kty, key.alg, typeof key.kid === 'string' ? `kid ${key.kid}` : 'no kid'].filter((part) => typeof part === 'string').join(' '));
  return [['jwks', keys.join('\n')]];
}

export function describeClientList(clients: readonly ClientView[]): string[] {
  if (clients.length === 0) return ['no clients'];
  return formatTable(
    ['CLIENT_ID', 'NAME', 'TYPE', 'GRANT_TYPES', 'REDIRECT_URIS'],
    clients.map((client) => [client.clientId, client.clientName, client.clientType, client.grantTypes.join(','), client.redirectUris.join(' ')]),
  );
}
