// Clients whose registered ID token algorithm has no signing key here: their openid token requests fail with server_error.
import type { SigningAlgorithm } from '../store/records.js';
import type { ClientView } from './registration.js';

/**
 * Whether `client`'s ID tokens can be signed with the algorithms that have keys; when not, the token endpoint
 * answers server_error rather than sign with another algorithm (OpenID Connect Registration §2).
 */
export function canSignIdTokensFor(client: Pick<ClientView, 'idTokenSignedResponseAlg'>, algorithms: readonly SigningAlgorithm[]): boolean {
  return algorithms.includes(client.idTokenSignedResponseAlg);
}

/** The operator's warning for such a client, naming the client, its algorithm and the fix. */
export function describeMissingIdTokenKey(client: Pick<ClientView, 'clientId' | 'clientName' | 'idTokenSignedResponseAlg'>): string {
  const alg = client.idTokenSignedResponseAlg;
  return `client "${client.clientName}" (${client.clientId}) registered id_token_signed_response_alg ${alg}, which keys.algorithms does not list: its ID tokens will fail with server_error until ${alg} is added there or the client is updated`;
}
