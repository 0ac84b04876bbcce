// What every check step of the authorization endpoint sees: the request's parameters and the validated client.
import type { Config } from '../../config/schema.js';
import type { Parameters } from '../../protocol/parameters.js';
import type { ClientApiAccess, ClientRecord } from '../../store/records.js';

export interface StepInput {
  readonly parameters: Parameters;
  readonly client: ClientRecord;
  /** The `resource` values as sent (RFC 8707 §2 lets them repeat), not yet checked. */
  readonly resources: readonly string[];
  /** The APIs the client may request, with their scopes. */
  readonly apiAccess: readonly ClientApiAccess[];
  /** Whether the request was pushed to /par (RFC 9126): checked there, or read back from there at /authorize. */
  readonly pushed: boolean;
  readonly par: Pick<Config['par'], 'required'>;
}
