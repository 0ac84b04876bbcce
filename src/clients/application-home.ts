// A client as a person-facing error page names it: its registered name and a home page to return to.
import type { KnownApplication } from '../protocol/flow.js';
import type { ClientRecord } from '../store/records.js';

/**
 * The application's home for a "Return to" link: the origin of its first registered https redirect URI, or none.
 * Only registered URIs count, never a request value, so the link cannot be pointed anywhere by whoever crafted the URL.
 */
export function applicationHome(client: Pick<ClientRecord, 'redirectUris'>): string | undefined {
  for (const uri of client.redirectUris) {
    if (!URL.canParse(uri)) continue;
    const url = new URL(uri);
    if (url.protocol === 'https:') return `${url.origin}/`;
  }
  return undefined;
}

export function knownApplication(client: Pick<ClientRecord, 'clientId' | 'clientName' | 'redirectUris'>): KnownApplication {
  return { clientId: client.clientId, clientName: client.clientName, home: applicationHome(client) };
}
