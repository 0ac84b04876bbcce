// Step 5: PKCE, required of every client, public and confidential, with S256 only (RFC 7636, RFC 9700 §2.1.1).
import { InvalidRequest } from '../../errors/oauth-errors.js';
import type { StepInput } from './step.js';

// RFC 7636 §4.2: BASE64URL(SHA256(verifier)) without padding is 43 characters.
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export function checkPkce({ parameters }: StepInput): { readonly codeChallenge: string } {
  const codeChallenge = parameters.get('code_challenge');
  // OAuth 2.1 §4.1.1: code_challenge is required.
  if (codeChallenge === undefined) throw new InvalidRequest({ description: 'The code_challenge parameter is required (PKCE).', reason: 'pkce' });
  // RFC 7636 §4.3: a missing method means plain; only S256 is accepted.
  if (parameters.get('code_challenge_method') !== 'S256') {
    throw new InvalidRequest({ description: 'The code_challenge_method must be S256.', reason: 'pkce' });
  }
  if (!S256_CHALLENGE.test(codeChallenge)) {
    throw new InvalidRequest({ description: 'The code_challenge must be 43 base64url characters (an S256 hash).', reason: 'pkce' });
  }
  return { codeChallenge };
}
