// Typed domain events: flow code emits them; audit, metrics and logs subscribe. Never carries a secret.

/** Who caused an event and from where. */
export interface EventContext {
  readonly requestId?: string | null;
  readonly ip?: string | null;
  readonly userAgent?: string | null;
  /** `cli:<os user>` for admin commands, absent for protocol requests. */
  readonly actor?: string;
  /** Follows one authorization from /authorize through login, consent and the token exchange (absent outside a flow). */
  readonly flowId?: string | null;
}

/** Which check refused an authorization request: the named ones, `request` for any other malformed request, else `other`. */
export type AuthorizationFailureReason = 'redirect_uri' | 'pkce' | 'client' | 'scope' | 'request' | 'other';

export type GatehouseEvent =
  | { readonly type: 'client.created'; readonly clientId: string }
  | { readonly type: 'client.updated'; readonly clientId: string; readonly fields: readonly string[] }
  | { readonly type: 'client.deleted'; readonly clientId: string }
  | { readonly type: 'client.secret_rotated'; readonly clientId: string; readonly previousValidUntil: number }
  | { readonly type: 'user.created'; readonly userId: string }
  // A password change and disabling record how many live sessions they ended and token families they revoked.
  | { readonly type: 'user.password_changed'; readonly userId: string; readonly sessionsEnded: number; readonly familiesRevoked: number }
  | { readonly type: 'user.disabled'; readonly userId: string; readonly sessionsEnded: number; readonly familiesRevoked: number }
  | { readonly type: 'user.enabled'; readonly userId: string }
  // The admin role opens the ops dashboard (/admin); only an operator at the CLI grants or removes it.
  | { readonly type: 'user.admin_granted'; readonly userId: string }
  | { readonly type: 'user.admin_revoked'; readonly userId: string }
  // The username is kept: once the user is gone, the audit trail is the only place that still names them.
  | { readonly type: 'user.deleted'; readonly userId: string; readonly username: string }
  | { readonly type: 'key.created'; readonly kid: string; readonly alg: string; readonly status: 'next' | 'active' }
  | { readonly type: 'key.rotated'; readonly kid: string; readonly alg: string; readonly retiredKid: string | null }
  /** A key taken out of use because its algorithm is no longer configured; published until its tokens expire. */
  | { readonly type: 'key.retired'; readonly kid: string; readonly alg: string; readonly publishUntil: number }
  | { readonly type: 'demo.seeded'; readonly clientId: string; readonly userId: string }
  // The authorization code flow. Security events (replay, reuse, throttling) carry what an operator needs to act.
  // `clientId` is absent for a sign-in to the account page, and for the account page's current-password check.
  | { readonly type: 'login.succeeded'; readonly userId: string; readonly clientId?: string }
  // `usernameHash`: SHA-256 of the username as typed (base64url), never the username itself; `knownDevice`: the browser
  // held a genuine device cookie for the account, so the failure counted against the device instead of the account.
  | { readonly type: 'login.failed'; readonly clientId?: string; readonly userId: string | null; readonly usernameHash: string; readonly knownDevice: boolean }
  // `passwordChecked`: this attempt's own failure brought the lock (it was also a login.failed); false: refused unchecked.
  | { readonly type: 'login.throttled'; readonly clientId?: string; readonly usernameHash: string; readonly scope: 'account' | 'ip'; readonly retryAfter: number; readonly passwordChecked: boolean }
  // `clientId`: the client that asked for the logout (RP-Initiated Logout), when one did. `startedAt`: when the session
  // began (its length feeds the session duration metric); `endedBy`: the person logging out of it, or it being ended
  // from elsewhere (another session of the account page, a new login in the same browser).
  | { readonly type: 'session.ended'; readonly userId: string; readonly clientId?: string; readonly startedAt: number; readonly endedBy: 'logout' | 'revoked' }
  | { readonly type: 'consent.granted'; readonly userId: string; readonly clientId: string; readonly scope: string }
  | { readonly type: 'consent.denied'; readonly userId: string; readonly clientId: string }
  // A client's access removed (the account page, or `gatehouse consents revoke`): what went with it.
  | {
      readonly type: 'consent.revoked';
      readonly userId: string;
      readonly clientId: string;
      readonly consentRemoved: boolean;
      readonly familiesRevoked: number;
      readonly codesDeleted: number;
      readonly logoutsQueued: number;
    }
  | { readonly type: 'code.issued'; readonly userId: string; readonly clientId: string }
  | { readonly type: 'code.redeemed'; readonly userId: string; readonly clientId: string; readonly familyId: string }
  | { readonly type: 'code.replayed'; readonly userId: string; readonly clientId: string; readonly revokedFamilyId: string | null }
  /** A spent code presented by `clientId`, a client it was not issued to (`issuedTo`): refused, nothing revoked. */
  | { readonly type: 'code.replayed_by_other_client'; readonly userId: string; readonly clientId: string; readonly issuedTo: string }
  /** /authorize reached with a registered client (a pushed request's included): the start of an authorization. */
  | { readonly type: 'authorization.requested'; readonly clientId: string }
  /**
   * An authorization request refused at /authorize or /par: `error` is the RFC 6749 §4.1.2.1 code, `reason` which check
   * refused it; `clientId` only when it names a registered client.
   */
  | {
      readonly type: 'authorization.failed';
      readonly endpoint: 'authorize' | 'par';
      readonly clientId: string | null;
      readonly error: string;
      readonly reason: AuthorizationFailureReason;
    }
  /** RFC 9126: a client pushed an authorization request to /par; `expiresAt` is when its request_uri stops working. */
  | { readonly type: 'authorization_request.pushed'; readonly clientId: string; readonly expiresAt: number }
  /** A request_uri presented at /authorize after it was used (RFC 9126 §4): a reload, or someone else holding it. */
  | { readonly type: 'request_uri.replayed'; readonly clientId: string }
  | { readonly type: 'refresh_token.rotated'; readonly userId: string; readonly clientId: string; readonly familyId: string }
  | { readonly type: 'refresh_token.retried'; readonly userId: string; readonly clientId: string; readonly familyId: string }
  | {
      readonly type: 'refresh_token.reused';
      readonly userId: string;
      readonly clientId: string;
      readonly familyId: string;
      /** The request that rotated the token first, so both requests' origins are on record. */
      readonly firstUse: { readonly ip: string | null; readonly userAgent: string | null } | null;
    }
  /**
   * A refresh from another network or User-Agent than its family was last used from (README "Security events"): the
   * family now follows the new context, so one move is one event. A signal, not proof: nothing is refused.
   */
  | {
      readonly type: 'refresh_token.context_changed';
      readonly userId: string;
      readonly clientId: string;
      readonly familyId: string;
      readonly change: 'network' | 'user_agent' | 'both';
      /** The networks (CIDR, at the prefix lengths each was recorded at) moved from and to; null where the IP was unknown. */
      readonly previousNetwork: string | null;
      readonly network: string | null;
    }
  // RFC 7009: a client revoked its refresh token (so its whole grant) or one access token (its jti is denied until expiry).
  | { readonly type: 'refresh_token.revoked'; readonly userId: string; readonly clientId: string; readonly familyId: string }
  | { readonly type: 'access_token.revoked'; readonly userId: string | null; readonly clientId: string; readonly tokenId: string }
  /** A private_key_jwt client assertion presented again (RFC 7523 §3): someone may hold a copy of it. */
  | { readonly type: 'client_assertion.replayed'; readonly clientId: string }
  /** A DPoP proof presented again (RFC 9449 §11.1): someone may have captured it. `clientId` when the caller is known. */
  | { readonly type: 'dpop_proof.replayed'; readonly clientId?: string }
  | {
      readonly type: 'token.issued';
      readonly userId: string;
      readonly clientId: string;
      readonly grantType: 'authorization_code' | 'refresh_token' | 'urn:ietf:params:oauth:grant-type:device_code';
    }
  /** A client credentials token: no user; `audience` is the API it is for (RFC 8707). */
  | { readonly type: 'token.issued'; readonly clientId: string; readonly grantType: 'client_credentials'; readonly audience: string }
  // Device authorizations (RFC 8628): requested by a device, approved or denied by a person, redeemed once by the
  // device; `user_code.throttled` when a network has entered too many wrong user codes (never the code itself).
  | { readonly type: 'device_authorization.requested'; readonly clientId: string; readonly scope: string }
  | { readonly type: 'device_authorization.approved'; readonly userId: string; readonly clientId: string; readonly scope: string }
  | { readonly type: 'device_authorization.denied'; readonly userId: string; readonly clientId: string }
  | { readonly type: 'device_authorization.redeemed'; readonly userId: string; readonly clientId: string; readonly familyId: string }
  | { readonly type: 'user_code.throttled'; readonly retryAfter: number }
  // Registered APIs (resource servers), and which clients may use them. `fields` name what changed.
  | { readonly type: 'api.created'; readonly identifier: string }
  | { readonly type: 'api.updated'; readonly identifier: string; readonly fields: readonly string[] }
  | { readonly type: 'api.deleted'; readonly identifier: string }
  | { readonly type: 'api.client_allowed'; readonly identifier: string; readonly clientId: string; readonly scope: string }
  | { readonly type: 'api.client_disallowed'; readonly identifier: string; readonly clientId: string }
  // Back-Channel Logout: one event per delivery attempt of a logout token (never the token itself). `outcome`:
  // timeout, network_error, http_<status>, no_signing_key, no_uri (the client removed its URI), interrupted (at shutdown); `willRetry` false: given up on.
  | { readonly type: 'logout.delivered'; readonly userId: string; readonly clientId: string; readonly attempt: number }
  | {
      readonly type: 'logout.delivery_failed';
      readonly userId: string;
      readonly clientId: string;
      readonly attempt: number;
      readonly outcome: string;
      readonly willRetry: boolean;
    }
  /**
   * A token request refused: `error` is the RFC 6749 §5.2 code, `reason` a fixed word naming why (`pkce`, `reused`...)
   * when the grant knows it. Not audited (a flood of bad requests must not become a flood of chained writes): metrics
   * and the dashboard read it.
   */
  | {
      readonly type: 'token.failed';
      readonly clientId: string | null;
      readonly grantType: string | null;
      readonly error: string;
      readonly reason: string | null;
      /** The grant itself refused (its code, refresh token or device code), not the checks before it. */
      readonly refusedByGrant: boolean;
    };

export type EventType = GatehouseEvent['type'];

/** Someone may hold what they should not, or is guessing: an operator should look (SECURITY.md, logs and audit). */
export const SECURITY_EVENT_TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'code.replayed',
  'code.replayed_by_other_client',
  'refresh_token.reused',
  'refresh_token.context_changed',
  'client_assertion.replayed',
  'request_uri.replayed',
  'dpop_proof.replayed',
  'login.throttled',
  'user_code.throttled',
]);

/** Events too frequent or too routine for the hash-chained trail; logs, metrics and the dashboard still see them. */
export const UNAUDITED_EVENT_TYPES: ReadonlySet<EventType> = new Set<EventType>(['token.failed', 'authorization.requested', 'authorization.failed']);

export type EventHandler = (event: GatehouseEvent, context: EventContext) => void | Promise<void>;

/** A small synchronous fan-out; a failing subscriber is reported and never breaks the flow that emitted. */
export class EventBus {
  private readonly handlers: EventHandler[] = [];
  private readonly pending = new Set<Promise<void>>();
  /** The unfinished subscriber work of each request, so its response can wait for exactly that (its audit rows). */
  private readonly pendingByRequest = new Map<string, Set<Promise<void>>>();

  constructor(private readonly onHandlerError: (error: unknown, event: GatehouseEvent) => void) {}

  subscribe(handler: EventHandler): void {
    this.handlers.push(handler);
  }

  emit(event: GatehouseEvent, context: EventContext = {}): void {
    for (const handler of this.handlers) {
      try {
        const result = handler(event, context);
        if (result instanceof Promise) this.track(result.catch((error: unknown) => this.onHandlerError(error, event)), context.requestId);
      } catch (error) {
        this.onHandlerError(error, event);
      }
    }
  }

  /**
   * Waits for the asynchronous subscribers of every event the request emitted so far. A response waits here, so what
   * a client has been told happened is in the audit trail before it is told (a crash after that loses none of it).
   */
  settle(requestId: string): Promise<void> | undefined {
    const pending = this.pendingByRequest.get(requestId);
    // Most requests emit nothing asynchronous by the time they answer: no promise, no extra turn of the event loop.
    return pending && Promise.all([...pending]).then(() => undefined);
  }

  /** Waits for asynchronous subscribers (audit writes) to finish; used at shutdown and by the CLI. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private track(promise: Promise<void>, requestId: string | null | undefined): void {
    this.pending.add(promise);
    const ofRequest = requestId == null ? undefined : this.pendingOf(requestId);
    ofRequest?.add(promise);
    void promise.finally(() => {
      this.pending.delete(promise);
      ofRequest?.delete(promise);
      if (ofRequest?.size === 0 && requestId != null) this.pendingByRequest.delete(requestId);
    });
  }

  private pendingOf(requestId: string): Set<Promise<void>> {
    let pending = this.pendingByRequest.get(requestId);
    if (pending === undefined) {
      pending = new Set();
      this.pendingByRequest.set(requestId, pending);
    }
    return pending;
  }
}
