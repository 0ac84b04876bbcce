// Step 2: the redirect URI, matched exactly against the client's registered ones; a failure is a page, never a redirect.
import { matchRedirectUri } from '../../clients/redirect-uri.js';
import { InvalidClientRequest } from '../../errors/oauth-errors.js';
import type { ClientRecord } from '../../store/records.js';

export interface CheckedRedirectUri {
  readonly redirectUri: string;
  readonly redirectUriSent: boolean;
}

export function checkRedirectUri(client: ClientRecord, requested: string | undefined): CheckedRedirectUri {
  if (requested === undefined) {
    const [only, ...others] = client.redirectUris;
    // OAuth 2.1 §4.1.1: redirect_uri may be omitted only when the client registered exactly one.
    if (only !== undefined && others.length === 0) return { redirectUri: only, redirectUriSent: false };
    throw new InvalidClientRequest({ description: 'The request has no redirect_uri and the application registered more than one.', reason: 'redirect_uri' });
  }
  // RFC 6749 §3.1.2.3 and RFC 9700 §4.1.3: redirect_uri must match a registered one exactly (RFC 8252 §7.3 native loopback ports aside).
  const redirectUri = matchRedirectUri(client, requested);
  if (redirectUri === undefined) {
    throw new InvalidClientRequest({ description: 'The redirect_uri does not match one registered for this application.', reason: 'redirect_uri' });
  }
  return { redirectUri, redirectUriSent: true };
}
