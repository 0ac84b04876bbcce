// client_secret_basic (RFC 6749 §2.3.1): the client id and secret in an HTTP Basic Authorization header.
import { InvalidClient } from '../errors/oauth-errors.js';
import type { PresentedCredentials } from './authenticate.js';

const BASIC = /^Basic +([A-Za-z0-9+/]+=*) *$/i;

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before base64, so `+` is a space and `%xx` an octet. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/**
 * Reads Basic credentials, or undefined when no Basic header was sent (another scheme is not a client credential).
 * @throws InvalidClient with the Basic challenge when the header is Basic but unreadable.
 */
export function readBasicCredentials(authorization: string | undefined): PresentedCredentials | undefined {
  if (authorization === undefined || !/^basic(\s|$)/i.test(authorization)) return undefined;
  const unreadable = () => new InvalidClient({ basicAuthAttempted: true, description: 'The Basic credentials could not be read.' });
  const encoded = BASIC.exec(authorization)?.[1];
  if (encoded === undefined) throw unreadable();
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw unreadable();
  try {
    const clientId = formDecode(decoded.slice(0, colon));
    const clientSecret = formDecode(decoded.slice(colon + 1));
    if (clientId === '' || clientSecret === '') throw unreadable();
    return { method: 'client_secret_basic', clientId, clientSecret, basicAuthAttempted: true };
  } catch (error) {
    if (error instanceof InvalidClient) throw error;
    // decodeURIComponent throws URIError on a malformed %-escape.
    throw new InvalidClient({ basicAuthAttempted: true, description: 'The Basic credentials could not be read.', cause: error });
  }
}
