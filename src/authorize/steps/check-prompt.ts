// Step 7: prompt (none, login, consent), the OpenID Connect control over re-authentication and consent.
import { InvalidRequest } from '../../errors/oauth-errors.js';
import type { AuthorizationRequestRecord } from '../../store/records.js';
import type { StepInput } from './step.js';

type Prompt = AuthorizationRequestRecord['prompt'][number];

export const PROMPT_VALUES: readonly Prompt[] = ['none', 'login', 'consent'];

const isPrompt = (value: string): value is Prompt => (PROMPT_VALUES as readonly string[]).includes(value);

export function checkPrompt({ parameters }: StepInput): { readonly prompt: readonly Prompt[] } {
  const value = parameters.get('prompt');
  if (value === undefined) return { prompt: [] };
  const values = [...new Set(value.split(' ').filter((item) => item !== ''))];
  // OIDC Core §3.1.2.1: select_account (and anything else) is not supported, and refused rather than silently ignored.
  if (!values.every(isPrompt)) throw new InvalidRequest({ description: 'The prompt parameter has a value that is not supported (use none, login or consent).' });
  // OIDC Core §3.1.2.1: none together with any other value is an error.
  if (values.includes('none') && values.length > 1) throw new InvalidRequest({ description: 'prompt=none cannot be combined with other prompt values.' });
  return { prompt: values };
}
