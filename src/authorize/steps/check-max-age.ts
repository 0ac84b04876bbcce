// Step 8: max_age, the longest time since the person last logged in that the client accepts (OIDC Core §3.1.2.1).
import { InvalidRequest } from '../../errors/oauth-errors.js';
import type { StepInput } from './step.js';

// Ten digits: about 317 years of seconds, and still a safe integer.
const MAX_AGE = /^(0|[1-9][0-9]{0,9})$/;

export function checkMaxAge({ parameters }: StepInput): { readonly maxAge: number | null } {
  const value = parameters.get('max_age');
  if (value === undefined) return { maxAge: null };
  // OIDC Core §3.1.2.1: max_age is a non-negative integer number of seconds.
  if (!MAX_AGE.test(value)) throw new InvalidRequest({ description: 'The max_age parameter must be a non-negative integer.' });
  return { maxAge: Number(value) };
}
