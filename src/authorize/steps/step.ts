// What every check step of the authorization endpoint sees: the request's parameters and the validated client.
import type { Parameters } from '../../protocol/parameters.js';
import type { ClientApiAccess, ClientRecord } from '../../store/records.js';

export interface StepInput {
  readonly parameters: Parameters;
  readonly client: ClientRecord;
  /** The `resource` values as sent (RFC 8707 §2 lets them repeat), not yet checked. */
  readonly resources: readonly string[];
  /** The APIs the client may request, with their scopes. */
  readonly apiAccess: readonly ClientApiAccess[];
}
