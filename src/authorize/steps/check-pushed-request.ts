// Step 2b: a client that must push its authorization requests (RFC 9126 §5 for every client, §6 per client) may not send one directly.
import { InvalidRequest } from '../../errors/oauth-errors.js';
import type { StepInput } from './step.js';

export function checkPushedRequestRequirement({ client, pushed, par }: StepInput): void {
  if (pushed) return;
  // RFC 9126 §5 (`par.required`) and §6 (`require_pushed_authorization_requests`): only a request_uri from /par is accepted.
  if (par.required || client.requirePushedAuthorizationRequests) {
    throw new InvalidRequest({ description: 'This client must use pushed authorization requests (RFC 9126): push the request to the PAR endpoint and send its request_uri.' });
  }
}
