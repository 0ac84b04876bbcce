// Removing a client's access for a person: one store transaction (consent, token families, unredeemed codes and
// back-channel logout), then the audit event. The account page's "Remove access" and `gatehouse consents revoke` share it.
import type { Clock } from '../clock.js';
import type { EventBus, EventContext } from '../observability/events.js';
import type { ConsentRevocation } from '../store/records.js';
import type { Store } from '../store/store.js';

export interface RevokeAccessDeps {
  readonly store: Pick<Store, 'consents'>;
  readonly events: EventBus;
  readonly clock: Clock;
}

/**
 * SECURITY.md (refresh tokens): revoking consent revokes the families. The client's refresh tokens then get
 * `invalid_grant`, its next authorization request asks for consent again, and the sessions it took part in are
 * reported to its `backchannel_logout_uri` (Back-Channel Logout §2.5).
 */
export async function revokeClientAccess(deps: RevokeAccessDeps, userId: string, clientId: string, context: EventContext): Promise<ConsentRevocation> {
  const revocation = await deps.store.consents.revoke(userId, clientId, deps.clock());
  deps.events.emit({ type: 'consent.revoked', userId, clientId, ...revocation }, context);
  return revocation;
}
