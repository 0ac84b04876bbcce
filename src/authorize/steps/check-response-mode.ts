// The response mode: query (the default) or form_post; read before the other checks so their errors use it.
import { InvalidRequest } from '../../errors/oauth-errors.js';
import type { ResponseMode } from '../../protocol/authorization-response.js';

/** Returns the response mode to use, or throws when the requested one is not supported. */
export function checkResponseMode(requested: string | undefined): ResponseMode {
  if (requested === undefined || requested === 'query') return 'query';
  if (requested === 'form_post') return 'form_post';
  // OAuth 2.0 Multiple Response Types §2.1: fragment (and JARM modes) are not offered for response_type=code here.
  throw new InvalidRequest({ description: 'The response_mode is not supported (use query or form_post).' });
}
