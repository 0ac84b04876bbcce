// Step 4: the response type; the authorization code flow is the only one (OAuth 2.1 removed the implicit grant).
import { InvalidRequest, UnsupportedResponseType } from '../../errors/oauth-errors.js';
import type { StepInput } from './step.js';

export function checkResponseType({ parameters }: StepInput): void {
  const responseType = parameters.get('response_type');
  // RFC 6749 §4.1.1: response_type is required.
  if (responseType === undefined) throw new InvalidRequest({ description: 'The response_type parameter is required.' });
  // OAuth 2.1 §4.1.1 and RFC 9700 §2.1.2: only response_type=code; token and hybrid types are refused.
  if (responseType !== 'code') throw new UnsupportedResponseType();
}
