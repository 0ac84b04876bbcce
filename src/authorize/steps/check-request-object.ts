// Step 3: request objects, by value or by reference, are refused (OIDC Core §6); a pushed request names no other (RFC 9126 §2.1).
import { InvalidRequest, RequestNotSupported, RequestUriNotSupported } from '../../errors/oauth-errors.js';
import type { StepInput } from './step.js';

export function rejectRequestObjects({ parameters, pushed }: StepInput): void {
  // OIDC Core §6.1: request_parameter_supported is false.
  if (parameters.has('request')) throw new RequestNotSupported();
  if (!parameters.has('request_uri')) return;
  // RFC 9126 §2.1: a request pushed to /par must not carry request_uri.
  if (pushed) throw new InvalidRequest({ description: 'A pushed authorization request must not contain request_uri.' });
  // OIDC Core §6.2: request_uri_parameter_supported is false; only this server's own PAR references are taken, and
  // those never reach the steps (src/authorize/pushed-requests.ts uses them first).
  throw new RequestUriNotSupported();
}
