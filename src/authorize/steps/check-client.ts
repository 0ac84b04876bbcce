// Step 1: the client named by client_id; a failure is shown to the person, never redirected (RFC 6749 §4.1.2.1).
import type { ClientLookup } from '../../clients/lookup.js';
import { InvalidClientRequest } from '../../errors/oauth-errors.js';
import type { ClientRecord } from '../../store/records.js';

export async function checkClient(clients: Pick<ClientLookup, 'find'>, clientId: string | undefined): Promise<ClientRecord> {
  // RFC 6749 §4.1.1: client_id is required.
  if (clientId === undefined) throw new InvalidClientRequest({ description: 'The request does not say which application it is for (client_id is missing).', reason: 'client' });
  const client = await clients.find(clientId);
  // RFC 6749 §4.1.2.1: an unknown client must not be redirected to.
  if (client === undefined) throw new InvalidClientRequest({ description: 'The client_id does not name a registered application.', reason: 'client' });
  return client;
}
