// Step 3: request objects, by value or by reference, are refused with their own error codes (OIDC Core §6).
import { RequestNotSupported, RequestUriNotSupported } from '../../errors/oauth-errors.js';
import type { StepInput } from './step.js';

export function rejectRequestObjects({ parameters }: StepInput): void {
  // OIDC Core §6.1: request_parameter_supported is false.
  if (parameters.has('request')) throw new RequestNotSupported();
  // OIDC Core §6.2: request_uri_parameter_supported is false.
  if (parameters.has('request_uri')) throw new RequestUriNotSupported();
}
