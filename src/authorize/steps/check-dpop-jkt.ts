// Step 10: `dpop_jkt` (RFC 9449 §10), the thumbprint of the key the client will prove at the code exchange.
import { InvalidRequest } from '../../errors/oauth-errors.js';
import type { AuthorizationRequestRecord } from '../../store/records.js';
import type { StepInput } from './step.js';

// RFC 9449 §10 and RFC 7638 §3: a base64url SHA-256 JWK thumbprint, 43 characters.
const JWK_THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

/** Read from the request's parameter set, so it binds the code whichever way the parameters arrived. */
export function checkDpopJkt({ parameters }: StepInput): Pick<AuthorizationRequestRecord, 'dpopJkt'> {
  const dpopJkt = parameters.get('dpop_jkt');
  if (dpopJkt === undefined) return { dpopJkt: null };
  if (!JWK_THUMBPRINT.test(dpopJkt)) throw new InvalidRequest({ description: 'The dpop_jkt parameter must be a base64url SHA-256 JWK thumbprint (43 characters).' });
  return { dpopJkt };
}
