// Step 9: the free-form OpenID Connect parameters, carried through as sent (OIDC Core §3.1.2.1).
import type { AuthorizationRequestRecord } from '../../store/records.js';
import type { StepInput } from './step.js';

export function readOpenIdParameters({ parameters }: StepInput): Pick<AuthorizationRequestRecord, 'nonce' | 'loginHint'> {
  // nonce is echoed into the ID token; login_hint only pre-fills the login form. Both are bounded by the parameter limit.
  return { nonce: parameters.get('nonce') ?? null, loginHint: parameters.get('login_hint') ?? null };
}
