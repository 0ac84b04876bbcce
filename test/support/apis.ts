// API fixtures: APIs registered through the registration service, and clients allowed to use them.
import { randomBytes } from 'node:crypto';
import { ApiRegistrationService } from '../../src/apis/registration.js';
import type { ApiMetadataInput } from '../../src/apis/metadata.js';
import { EventBus } from '../../src/observability/events.js';
import type { ApiRecord } from '../../src/store/records.js';
import { createClient, epochNow, type TestClient } from './flow-fixtures.js';
import type { TestServer } from './server.js';

export function apiRegistration(server: TestServer): ApiRegistrationService {
  return new ApiRegistrationService({
    store: server.store,
    events: new EventBus(() => undefined),
    context: { actor: 'test' },
    clock: epochNow,
    issuer: server.config.issuer,
  });
}

/** An API with a unique identifier and the scopes `read` and `write` unless told otherwise. */
export function createApi(server: TestServer, input: ApiMetadataInput = {}): Promise<ApiRecord> {
  return apiRegistration(server).create({
    identifier: `https://api-${randomBytes(4).toString('hex')}.example/`,
    name: 'Invoices',
    scopes: ['read:invoices=Read your invoices', 'write:invoices=Change your invoices'],
    ...input,
  });
}

/** A confidential client registered for client_credentials only, allowed `apis` with all their scopes. */
export async function createServiceClient(server: TestServer, apis: readonly ApiRecord[], input: Parameters<typeof createClient>[1] = {}): Promise<TestClient> {
  const as = await createClient(server, { grantTypes: ['client_credentials'], redirectUris: [], ...input });
  for (const api of apis) await apiRegistration(server).allowClient(as.client.clientId, api.identifier, []);
  return as;
}
