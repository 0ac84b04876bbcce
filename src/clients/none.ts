// none (RFC 7591 §2): a public client identifies itself with `client_id` alone and proves nothing (RFC 6749 §2.1).
import type { Parameters } from '../protocol/parameters.js';
import type { PresentedCredentials } from './authenticate.js';

/** Reads a bare `client_id`, or undefined when none was sent. */
export function readPublicClientId(parameters: Parameters): PresentedCredentials | undefined {
  const clientId = parameters.get('client_id');
  if (clientId === undefined) return undefined;
  return { method: 'none', clientId, clientSecret: null, basicAuthAttempted: false };
}
