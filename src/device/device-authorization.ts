// The device authorization endpoint (RFC 8628 §3.1-§3.2): checks what a device asks for and issues its two codes.
import { checkResources } from '../authorize/steps/check-resources.js';
import { checkScope } from '../authorize/steps/check-scope.js';
import type { Config } from '../config/schema.js';
import { UnauthorizedClient } from '../errors/oauth-errors.js';
import type { EventBus, EventContext } from '../observability/events.js';
import { mintFlowId, type JoinFlow } from '../observability/flow-id.js';
import type { Parameters } from '../protocol/parameters.js';
import { generateUserCode, hashUserCode, normaliseUserCode } from '../protocol/user-code.js';
import { DEVICE_CODE_GRANT_TYPE, type ClientRecord, type DeviceAuthorizationRecord } from '../store/records.js';
import { DuplicateError, type Store } from '../store/store.js';
import { generateOpaqueValue, hashOpaqueValue } from '../tokens/opaque.js';

/** Where the person goes to enter the user code (RFC 8628 §3.2 `verification_uri`). */
export const DEVICE_VERIFICATION_PATH = '/device';

/** A user code collides with a live one about once in 2^34 draws; a few redraws make failure practically impossible. */
const USER_CODE_DRAWS = 5;

export interface DeviceAuthorizationDeps {
  readonly store: Pick<Store, 'apis' | 'deviceAuthorizations'>;
  readonly config: Pick<Config, 'issuer' | 'deviceAuthorization'>;
  readonly events: EventBus;
}

/** A device authorization request as the endpoint received it, its client authenticated. */
export interface DeviceAuthorizationCall {
  readonly client: ClientRecord;
  readonly parameters: Parameters;
  readonly resources: readonly string[];
  readonly origin: EventContext;
  readonly now: number;
  readonly joinFlow: JoinFlow;
}

/** RFC 8628 §3.2: the device authorization response. */
export interface DeviceAuthorizationResponse {
  readonly device_code: string;
  readonly user_code: string;
  readonly verification_uri: string;
  readonly verification_uri_complete: string;
  readonly expires_in: number;
  readonly interval: number;
}

/** @throws UnauthorizedClient, InvalidScope, InvalidTarget (RFC 8628 §3.2, RFC 6749 §5.2, RFC 8707 §2). */
export async function requestDeviceAuthorization(deps: DeviceAuthorizationDeps, call: DeviceAuthorizationCall): Promise<DeviceAuthorizationResponse> {
  const { client, parameters, now } = call;
  // RFC 8628 §3.1 and RFC 6749 §5.2: only a client registered for the device code grant may start one.
  if (!client.grantTypes.includes(DEVICE_CODE_GRANT_TYPE)) throw new UnauthorizedClient({ cause: new Error('client not registered for the device code grant') });
  // RFC 8628 §3.1: scope as at the authorization endpoint (RFC 6749 §3.3); RFC 8707 §2: resource indicators likewise.
  const input = { parameters, client, resources: call.resources, apiAccess: await deps.store.apis.listForClient(client.clientId) };
  const { resources } = checkResources(input);
  const { scope } = checkScope(input, resources);
  // RFC 8628 §3.2: the device code is a secret of the device (256 bits), stored only as a hash.
  const deviceCode = generateOpaqueValue(32);
  const { codeLifetime, interval } = deps.config.deviceAuthorization;
  const base = { deviceCodeHash: hashOpaqueValue(deviceCode), clientId: client.clientId, scope, resources, status: 'pending' as const };
  // The device's request starts the flow: the person's verification, login and approval, and the redemption join it.
  const flowId = mintFlowId();
  call.joinFlow(flowId);
  const record = { ...base, interval, lastPolledAt: null, approval: null, flowId, createdAt: now, expiresAt: now + codeLifetime };
  const userCode = await storeWithUserCode(deps.store, record);
  deps.events.emit({ type: 'device_authorization.requested', clientId: client.clientId, scope }, call.origin);
  const verificationUri = `${deps.config.issuer.replace(/\/$/, '')}${DEVICE_VERIFICATION_PATH}`;
  return {
    device_code: deviceCode,
    user_code: userCode,
    verification_uri: verificationUri,
    // RFC 8628 §3.3.1: the code in the link only fills in the form; the person still confirms it.
    verification_uri_complete: `${verificationUri}?user_code=${encodeURIComponent(userCode)}`,
    expires_in: codeLifetime,
    interval,
  };
}

/** Stores the authorization under a fresh user code, drawing again if one is taken; returns the code as shown. */
async function storeWithUserCode(store: Pick<Store, 'deviceAuthorizations'>, record: Omit<DeviceAuthorizationRecord, 'userCodeHash'>): Promise<string> {
  for (let draw = 1; ; draw++) {
    const userCode = generateUserCode();
    try {
      await store.deviceAuthorizations.create({ ...record, userCodeHash: hashUserCode(normaliseUserCode(userCode)!) });
      return userCode;
    } catch (error) {
      if (!(error instanceof DuplicateError && error.field === 'user_code_hash') || draw >= USER_CODE_DRAWS) throw error;
    }
  }
}
