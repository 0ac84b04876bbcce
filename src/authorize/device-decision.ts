// The person's decision on a device authorization (RFC 8628 §3.3): approve it with their login, or deny it; then a page.
import { apiScopeOf } from '../apis/consent-scope.js';
import { InvalidInteraction } from '../errors/oauth-errors.js';
import { withCookies, type FlowReply, type RequestInfo } from '../protocol/flow.js';
import { pageResponse } from '../protocol/rendered-response.js';
import type { AuthorizationRequestRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { renderDeviceDonePage } from '../ui/device-page.js';
import type { AuthorizationDeps } from './continue.js';
import type { SatisfiedLogin } from './login-requirements.js';

/** A request that approves a device authorization rather than issuing a code. */
export type DeviceRequest = AuthorizationRequestRecord & { readonly deviceCodeHash: string };

export function isDeviceRequest(request: AuthorizationRequestRecord): request is DeviceRequest {
  return request.deviceCodeHash !== undefined;
}

async function donePage(deps: AuthorizationDeps, request: DeviceRequest, approved: boolean): Promise<FlowReply> {
  const client = await deps.clients.find(request.clientId);
  if (client === undefined) throw new InvalidInteraction({ cause: new Error('device: client deleted meanwhile') });
  return withCookies(pageResponse(renderDeviceDonePage({ clientName: client.clientName, approved })));
}

/** A consent given with the approval: saved in the approval's transaction, announced once that commits. */
export interface GivenConsent {
  save(store: Store): Promise<void>;
  emitGranted(): void;
}

/**
 * Approves the device authorization for the login's user and session (recording `consent` in the same transaction,
 * when given); the device's next poll gets the tokens.
 */
export async function approveDevice(deps: AuthorizationDeps, request: DeviceRequest, login: SatisfiedLogin, info: RequestInfo, consent?: GivenConsent): Promise<FlowReply> {
  const { session } = login;
  // What is granted at each API, as consented to, fixed now as for an authorization code.
  const approval = { userId: session.userId, sessionId: session.sessionId, authTime: session.authTime, apiScope: await apiScopeOf(deps.store.apis, request) };
  const approved = await deps.store.transaction(async (store) => {
    // RFC 8628 §3.5: decided once, and only while the device code lives.
    if (!(await store.deviceAuthorizations.approve(request.deviceCodeHash, approval, login.now))) return false;
    await consent?.save(store);
    return true;
  });
  if (!approved) throw new InvalidInteraction({ cause: new Error('device authorization already decided or expired') });
  consent?.emitGranted();
  deps.events.emit({ type: 'device_authorization.approved', userId: session.userId, clientId: request.clientId, scope: request.scope }, info.eventContext);
  return donePage(deps, request, true);
}

/** Denies the device authorization: the device's next poll gets access_denied (RFC 8628 §3.5). */
export async function denyDevice(deps: AuthorizationDeps, request: DeviceRequest, login: SatisfiedLogin, info: RequestInfo): Promise<FlowReply> {
  if (!(await deps.store.deviceAuthorizations.deny(request.deviceCodeHash, login.now))) {
    throw new InvalidInteraction({ cause: new Error('device authorization already decided or expired') });
  }
  deps.events.emit({ type: 'device_authorization.denied', userId: login.user.userId, clientId: request.clientId }, info.eventContext);
  return donePage(deps, request, false);
}
