// client_secret_post (RFC 6749 §2.3.1): the client id and secret as form parameters of the token request body.
import type { Parameters } from '../protocol/parameters.js';
import type { PresentedCredentials } from './authenticate.js';

/** Reads body credentials, or undefined when no `client_secret` was sent. */
export function readPostCredentials(parameters: Parameters): PresentedCredentials | undefined {
  const clientSecret = parameters.get('client_secret');
  if (clientSecret === undefined) return undefined;
  return { method: 'client_secret_post', clientId: parameters.get('client_id') ?? '', clientSecret, basicAuthAttempted: false };
}
