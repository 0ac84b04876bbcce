// Step 6a: the resource indicators (RFC 8707 §2.1), each a registered API allowed to the client.
import { findAccess } from '../../apis/access.js';
import { checkResourceIndicator } from '../../protocol/resource-indicators.js';
import type { StepInput } from './step.js';

export function checkResources({ resources, apiAccess }: Pick<StepInput, 'resources' | 'apiAccess'>): { readonly resources: readonly string[] } {
  for (const resource of resources) {
    // RFC 8707 §2: an absolute URI without a fragment, naming an API this client may use; else invalid_target.
    findAccess(apiAccess, checkResourceIndicator(resource));
  }
  return { resources };
}
