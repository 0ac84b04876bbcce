// What every check step of the authorization endpoint sees: the request's parameters and the validated client.
import type { Parameters } from '../../protocol/parameters.js';
import type { ClientRecord } from '../../store/records.js';

export interface StepInput {
  readonly parameters: Parameters;
  readonly client: ClientRecord;
}
