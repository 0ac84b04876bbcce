// grant_type=urn:ietf:params:oauth:grant-type:device_code (RFC 8628 §3.4-§3.5): polled until decided, redeemed once.
import {
  AuthorizationPending,
  DeviceAccessDenied,
  ExpiredToken,
  InvalidGrant,
  InvalidRequest,
  SlowDown,
} from '../errors/oauth-errors.js';
import { DEVICE_CODE_GRANT_TYPE, type ClientRecord, type DeviceAuthorizationRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { hashOpaqueValue } from '../tokens/opaque.js';
import { requestedResource } from './audience.js';
import type { JoinFlow } from '../observability/flow-id.js';
import type { Grant, GrantDependencies, TokenRequest, TokenResponse } from './grant.js';
import { issueFamily } from './issue-family.js';

/** RFC 8628 §3.5: each slow_down adds 5 seconds to the interval, for this and every later poll. */
export const SLOW_DOWN_SECONDS = 5;

export class DeviceCodeGrant implements Grant {
  readonly grantType = DEVICE_CODE_GRANT_TYPE;

  constructor(private readonly deps: GrantDependencies) {}

  async exchange(request: TokenRequest, now: number): Promise<TokenResponse> {
    const deviceCode = request.parameters.get('device_code');
    // RFC 8628 §3.4: device_code is required.
    if (deviceCode === undefined) throw new InvalidRequest({ description: 'The device_code parameter is missing.' });
    const issuance = { resource: requestedResource(request.resources), dpopJkt: request.dpop?.jkt, origin: request.origin };
    const deviceCodeHash = hashOpaqueValue(deviceCode);
    const { client, origin } = request;
    // One transaction: the redemption is undone if issuing fails (a resource not granted), so the device may retry.
    const issued = await this.deps.store.transaction(async (store) => {
      // RFC 8628 §3.5: tokens exactly once, only to the client the device code was issued to.
      const redeemed = await store.deviceAuthorizations.redeem(deviceCodeHash, client.clientId, now);
      if (redeemed === undefined) return undefined;
      request.joinFlow(redeemed.flowId);
      return this.issue(store, redeemed, client, issuance, now);
    });
    if (issued === undefined) return this.refuse(deviceCodeHash, client.clientId, request.joinFlow, now);
    const { family, response } = issued;
    this.deps.events.emit({ type: 'device_authorization.redeemed', userId: family.userId, clientId: client.clientId, familyId: family.familyId }, origin);
    this.deps.events.emit({ type: 'token.issued', userId: family.userId, clientId: client.clientId, grantType: this.grantType }, origin);
    return response;
  }

  /** Issues for the redeemed authorization, to the client it is bound to (the one that just redeemed it). */
  private async issue(store: Store, authorization: DeviceAuthorizationRecord, client: ClientRecord, issuance: Parameters<typeof issueFamily>[3], now: number) {
    const { approval } = authorization;
    if (approval === null) throw new InvalidGrant({ cause: new Error('approved device authorization without its approval') });
    const user = await store.users.findById(approval.userId);
    // A user disabled since approving gets no tokens.
    if (user === undefined || user.disabledAt !== null) throw new InvalidGrant({ cause: new Error('user missing or disabled') });
    const grant = { ...authorization, ...approval, client, nonce: null, codeHash: authorization.deviceCodeHash };
    return issueFamily(this.deps, store, grant, issuance, now);
  }

  /** Why nothing was redeemed: RFC 8628 §3.5's answer for the authorization's state, counting a poll while pending. */
  private async refuse(deviceCodeHash: string, clientId: string, joinFlow: JoinFlow, now: number): Promise<never> {
    const authorization = await this.deps.store.deviceAuthorizations.findByDeviceCode(deviceCodeHash);
    // RFC 8628 §3.5 and RFC 6749 §5.2: unknown, another client's or already redeemed is invalid_grant.
    if (authorization === undefined || authorization.clientId !== clientId) throw new InvalidGrant({ cause: new Error('unknown device code, or issued to another client') });
    // The device's polls are part of its flow.
    joinFlow(authorization.flowId);
    if (authorization.status === 'redeemed') throw new InvalidGrant({ cause: new Error('device code already redeemed') });
    if (authorization.status === 'denied') throw new DeviceAccessDenied();
    if (authorization.expiresAt <= now) throw new ExpiredToken();
    if (authorization.status === 'approved') throw new InvalidGrant({ cause: new Error('approved device code lost a concurrent redemption') });
    // RFC 8628 §3.5: a poll sooner than the interval after the last one is slow_down, and the interval grows by 5 s.
    const poll = await this.deps.store.deviceAuthorizations.recordPoll(deviceCodeHash, now, SLOW_DOWN_SECONDS);
    // Decided since it was read (poll undefined): the next poll gets the decision.
    if (poll === undefined || poll.onTime) throw new AuthorizationPending();
    throw new SlowDown({ description: `Polling too fast: wait at least ${poll.interval} seconds between requests from now on.` });
  }
}
