// Domain records the store reads and writes: readonly shapes with no database types in them.
// Times are epoch seconds (integers); one-time values appear only as SHA-256 hashes (base64url).

export type ClientType = 'confidential' | 'public';
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';
export type GrantType = 'authorization_code' | 'refresh_token' | 'client_credentials' | typeof DEVICE_CODE_GRANT_TYPE;

/** RFC 8628 §3.4: the grant type of the device authorization grant. */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/** Every grant type Gatehouse serves: RFC 6749 §4.1, §6 and §4.4, and RFC 8628 §3.4. */
export const GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials', DEVICE_CODE_GRANT_TYPE];

/** A caller's `grant_type` as a bounded value (span attribute, metric label): a grant Gatehouse serves, else `other`. */
export function grantTypeOrOther(value: unknown): GrantType | 'other' {
  return (GRANT_TYPES as readonly unknown[]).includes(value) ? (value as GrantType) : 'other';
}

/** A JWK Set (RFC 7517 §5) of public keys, as registered or fetched; validated before it is stored or used. */
export interface JsonWebKeySet {
  readonly keys: readonly Readonly<Record<string, unknown>>[];
}

export interface ClientRecord {
  readonly clientId: string;
  /** Unique across clients. */
  readonly clientName: string;
  readonly clientType: ClientType;
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
  readonly grantTypes: readonly GrantType[];
  /** Space-separated scope tokens the client may request. */
  readonly scope: string;
  /** First-party clients skip the consent page. */
  readonly firstParty: boolean;
  /** OpenID Connect Registration §2 `id_token_signed_response_alg`: the algorithm its ID tokens are signed with. */
  readonly idTokenSignedResponseAlg: SigningAlgorithm;
  /** Back-Channel Logout §2.2 `backchannel_logout_uri`: where logout tokens are POSTed; null: not notified. */
  readonly backchannelLogoutUri: string | null;
  /** RFC 9126 §6 `require_pushed_authorization_requests`: its authorization requests must come through /par. */
  readonly requirePushedAuthorizationRequests: boolean;
  /** SHA-256 of the current secret; null for public clients. */
  readonly secretHash: string | null;
  /** SHA-256 of the previous secret during its grace period after a rotation. */
  readonly previousSecretHash: string | null;
  readonly previousSecretExpiresAt: number | null;
  /** RFC 7591 §2 `jwks`: the public keys a private_key_jwt client signs its assertions with; null otherwise. */
  readonly jwks: JsonWebKeySet | null;
  /** RFC 7591 §2 `jwks_uri`: where those keys are published instead; never set together with `jwks`. */
  readonly jwksUri: string | null;
  /** RFC 9449 §5.2 `dpop_bound_access_tokens`: every token request of this client must carry a DPoP proof. */
  readonly dpopBoundAccessTokens: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type ClientUpdate = Partial<
  Pick<
    ClientRecord,
    | 'clientName'
    | 'redirectUris'
    | 'postLogoutRedirectUris'
    | 'grantTypes'
    | 'scope'
    | 'firstParty'
    | 'tokenEndpointAuthMethod'
    | 'idTokenSignedResponseAlg'
    | 'backchannelLogoutUri'
    | 'requirePushedAuthorizationRequests'
    | 'dpopBoundAccessTokens'
  >
> &
  Partial<Pick<ClientRecord, 'jwks' | 'jwksUri'>> &
  /** Cleared (null) when a client stops using secrets; a first secret is set when it starts again (rotation: rotateSecret). */
  Partial<Pick<ClientRecord, 'secretHash'>> &
  Partial<Record<'previousSecretHash' | 'previousSecretExpiresAt', null>>;

export interface UserRecord {
  readonly userId: string;
  /** Unique across users. */
  readonly username: string;
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly name: string | null;
  /** PHC string: algorithm and parameters are stored with the hash. */
  readonly passwordHash: string;
  readonly disabledAt: number | null;
  /** May open the ops dashboard (/admin); granted and removed only by an operator with the CLI. */
  readonly admin: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface AuthorizationCodeRecord {
  readonly codeHash: string;
  readonly clientId: string;
  readonly userId: string;
  readonly sessionId: string;
  readonly redirectUri: string;
  /** Whether the authorization request sent `redirect_uri`; then the token request must send it too (RFC 6749 §4.1.3). */
  readonly redirectUriSent: boolean;
  readonly scope: string;
  readonly codeChallenge: string;
  readonly codeChallengeMethod: 'S256';
  readonly nonce: string | null;
  readonly authTime: number;
  /** RFC 8707 §2.1: the APIs (their identifiers) the code grants access to; empty when only userinfo. */
  readonly resources: readonly string[];
  /**
   * The API scopes granted, each as `<identifier>#<scope>` (src/apis/consent-scope.ts), fixed at issuance: a token for
   * an API carries only these, so widening the client's access later grants nothing unconsented.
   */
  readonly apiScope: string;
  /** RFC 9449 §10: the JWK thumbprint the code exchange's DPoP proof must have; null when not asked for. */
  readonly dpopJkt: string | null;
  /** The authorization flow the code was issued in, so its redemption is logged and audited under it; null for older codes. */
  readonly flowId: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly consumedAt: number | null;
}

/** Outcome of consuming a one-time value: exactly one concurrent caller gets `redeemed`. */
export type ConsumeResult<T> =
  | { readonly outcome: 'redeemed'; readonly record: T }
  | { readonly outcome: 'replayed'; readonly record: T }
  | { readonly outcome: 'expired'; readonly record: T }
  | { readonly outcome: 'unknown' };

/** Seconds within which a consent's recorded last use is not moved forward (the account page shows it to the minute). */
export const CONSENT_USE_PRECISION = 60;

export interface ConsentRecord {
  readonly userId: string;
  readonly clientId: string;
  /** Space-separated scopes the user has allowed this client. */
  readonly scope: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** When a token was last issued or refreshed for this client and user, to the minute; null until then (set by `recordUse`). */
  readonly lastUsedAt: number | null;
}

/** A grant: everything issued from one authorization code, revoked as one. */
export interface TokenFamilyRecord {
  readonly familyId: string;
  readonly clientId: string;
  readonly userId: string;
  readonly scope: string;
  readonly sessionId: string;
  readonly authTime: number;
  /** The code this family was issued from, so a replayed code revokes it. */
  readonly authorizationCodeHash: string;
  /** RFC 8707 §2.2: the APIs granted, among which each token request may pick its access token's audience. */
  readonly resources: readonly string[];
  /** The API scopes granted, each as `<identifier>#<scope>`: the code's, which every token for an API stays within. */
  readonly apiScope: string;
  /** RFC 9449 §5: a public client's refresh tokens are bound to this JWK thumbprint; null: not bound. */
  readonly dpopJkt: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly revokedAt: number | null;
  readonly revokedReason: string | null;
  /** Where the family is used from, as of its last move; null for a family from before contexts were recorded. */
  readonly context: FamilyContext | null;
}

/** Where a token family is used from, coarsely enough that routine changes go unnoticed (README "Security events"). */
export interface FamilyContext {
  /** The client IP's network as CIDR (`203.0.113.0/24`, prefix lengths from `anomalies.*`); null when the IP was unknown. */
  readonly network: string | null;
  /** Digest of the User-Agent with its version numbers removed; an absent User-Agent has a digest too. */
  readonly userAgent: string;
}

export interface RefreshTokenRecord {
  readonly tokenHash: string;
  readonly familyId: string;
  readonly clientId: string;
  readonly scope: string;
  readonly issuedAt: number;
  /** Idle expiry; the family's expiresAt bounds it absolutely. */
  readonly expiresAt: number;
  readonly rotatedAt: number | null;
}

export interface SessionRecord {
  /** SHA-256 of the cookie value. */
  readonly sessionHash: string;
  /** Public session id used as the ID token `sid`. */
  readonly sessionId: string;
  readonly userId: string;
  readonly authTime: number;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly idleExpiresAt: number;
  readonly absoluteExpiresAt: number;
  readonly endedAt: number | null;
  /** Where the sign-in came from, for the account page's list of sessions; null when not known. */
  readonly ip: string | null;
  readonly userAgent: string | null;
}

/** A session the sweeper removed: when it began, when it was ended (null: never, it expired), and when it expired. */
export interface SweptSession {
  readonly createdAt: number;
  readonly endedAt: number | null;
  readonly expiredAt: number;
}

/** The JWS algorithms Gatehouse signs with (RFC 7518 §3.1, RFC 8037 §3.1); RS256 first, as OpenID Connect's default. */
export const SIGNING_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];
export type SigningKeyStatus = 'next' | 'active' | 'retired';

export interface SigningKeyRecord {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly status: SigningKeyStatus;
  /** Public JWK as JSON text (with kid, alg, use). */
  readonly publicJwk: string;
  /** Private key, encrypted with the key-encryption key (AES-256-GCM envelope). */
  readonly privateKeyEncrypted: string;
  readonly createdAt: number;
  readonly activatedAt: number | null;
  readonly retiredAt: number | null;
  /** For a retired key: when the last token it signed expires; after that it leaves the JWKS. */
  readonly publishUntil: number | null;
}

export interface AuditEventInput {
  readonly type: string;
  readonly occurredAt: number;
  readonly requestId: string | null;
  readonly clientId: string | null;
  readonly userId: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** Extra facts; never a secret, token, code or password. */
  readonly details: Readonly<Record<string, unknown>>;
}

export interface AuditEventRecord extends AuditEventInput {
  readonly sequence: number;
  /** SHA-256 over the previous event's hash and this event's content: a chain that shows tampering. */
  readonly hash: string;
  readonly previousHash: string;
  /** Set by a listing when the stored details are not a JSON object (Gatehouse never writes one): `details` is then `{}`. */
  readonly detailsInvalid?: true;
  /** Set by a listing when the stored time is not whole seconds between 1970 and 9999: `occurredAt` is the value as stored. */
  readonly occurredAtInvalid?: true;
}

/** Which events `audit.list` returns: newest first, at most `limit`, each given filter applied (times in epoch seconds, inclusive). */
export interface AuditListFilter {
  readonly limit: number;
  readonly type?: string;
  readonly userId?: string;
  readonly clientId?: string;
  readonly since?: number;
  readonly until?: number;
}

/**
 * What a break in the chain looks like: `altered` (content or hash changed in place), `inserted` (a record the chain
 * never linked, or one past the head), `deleted` (a missing sequence number), `head_forged` (the chain head's seal does
 * not verify: its end or its pruned head was moved without the key-encryption secret), or `unknown` when it cannot be told.
 */
export type AuditChainBreakKind = 'altered' | 'inserted' | 'deleted' | 'head_forged' | 'unknown';

export interface AuditChainBreak {
  /** The sequence number of the record at fault (for a deletion, the one missing; for a forged head, the last record reached). */
  readonly sequence: number;
  /**
   * Its 1-based place among the records kept since the pruned head (for a deletion, where it would be; for a forged
   * head, the place of the last record reached, 0 when none is kept).
   */
  readonly position: number;
  readonly kind: AuditChainBreakKind;
}

/** The outcome of recomputing the chain: intact up to the head, or the first break found. */
export type AuditChainVerification =
  | {
      readonly intact: true;
      readonly checked: number;
      readonly head: { readonly sequence: number; readonly hash: string };
      /** False while the head was never sealed (written before sealing existed, with no append or prune since): then only the chain vouches for it. */
      readonly sealed: boolean;
    }
  | { readonly intact: false; readonly checked: number; readonly firstBreak: AuditChainBreak };

/** A validated authorization request (RFC 6749 §4.1.1, OpenID Connect Core §3.1.2.1), as carried through login and consent. */
export interface AuthorizationRequestRecord {
  readonly clientId: string;
  /** The redirect URI the response goes to: the one sent, or the client's only registered one. */
  readonly redirectUri: string;
  /** Whether `redirect_uri` was sent, so the token endpoint knows whether it must be sent again (RFC 6749 §4.1.3). */
  readonly redirectUriSent: boolean;
  readonly scope: string;
  readonly state: string | null;
  readonly nonce: string | null;
  readonly codeChallenge: string;
  readonly responseMode: 'query' | 'form_post';
  readonly prompt: readonly ('none' | 'login' | 'consent')[];
  readonly maxAge: number | null;
  readonly loginHint: string | null;
  /** RFC 8707 §2.1: the `resource` values requested, each a registered API allowed to the client. */
  readonly resources: readonly string[];
  /** RFC 9449 §10: `dpop_jkt`, the thumbprint the code will be bound to; null when not sent. */
  readonly dpopJkt: string | null;
  /**
   * Set when the person is approving a device authorization (RFC 8628 §3.3) rather than an authorization request: the
   * hash of its device code. Completing the interaction then approves it instead of issuing a code, and nothing is
   * ever sent to `redirectUri` (empty).
   */
  readonly deviceCodeHash?: string;
}

/**
 * A pushed authorization request (RFC 9126 §2): its parameters as the client sent them to /par, validated there and
 * again at /authorize, which uses them in place of its query (§4). Known only by the hash of its request_uri.
 */
export interface PushedAuthorizationRequestRecord {
  /** SHA-256 of the random part of the request_uri. */
  readonly requestHash: string;
  /** The client that pushed it; only that client may use it (RFC 9126 §4). */
  readonly clientId: string;
  /**
   * The authorization request parameters as /authorize reads them from a query: each a string, `resource` (which
   * RFC 8707 lets repeat) a list; the client authentication parameters are left out.
   */
  readonly parameters: Readonly<Record<string, string | readonly string[]>>;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** When /authorize used it; a request_uri is single use. */
  readonly consumedAt: number | null;
}

/**
 * An authorization request waiting for the person (login, consent). Its id is random, carried in the URL and bound
 * to the browser that started it by a cookie; its forms carry an anti-CSRF token. Stored only as hashes.
 */
export interface InteractionRecord extends InteractionStep {
  readonly interactionHash: string;
  /** The authorization request it resumes; null for a sign-in to Gatehouse's own account page, which no client asked for. */
  readonly request: AuthorizationRequestRecord | null;
  readonly csrfTokenHash: string;
  /** The authorization flow it pauses; null for an account sign-in (no client asked for it) and older interactions. */
  readonly flowId: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly completedAt: number | null;
}

/** Where an interaction stands: the step it waits for, and the sessions that earned its progress. */
export interface InteractionStep {
  /** The page the person must pass next; the other pages refuse to act on this interaction meanwhile. */
  readonly awaiting: 'login' | 'consent';
  /** The session a login performed for this very interaction started: only it satisfies `prompt=login` and `max_age`. */
  readonly loginSessionId: string | null;
  /** While awaiting consent: the session the consent page is shown to; a decision from any other session is refused. */
  readonly consentSessionId: string | null;
}

/** Where a request came from, as security events record it. */
export interface RequestOrigin {
  readonly ip: string | null;
  readonly userAgent: string | null;
}

/** A rotation's response, kept encrypted during the retry window so a benign retry gets the very same one. */
export interface RefreshRetryResponse {
  /** Last second (inclusive) in which a retry gets the stored response. */
  readonly retryUntil: number;
  /** Digest of the rotating request's client id and requested scope; a retry must present the same. */
  readonly fingerprint: string;
  /** The token response as a KeyEncryption envelope bound to the rotated token's hash; never plain text. */
  readonly encryptedResponse: string;
}

/** Everything one rotation writes, all or nothing. */
export interface RefreshTokenRotation {
  /** Hash of the presented token. */
  readonly tokenHash: string;
  /** The next token of the same family, inserted only when this rotation wins. */
  readonly successor: RefreshTokenRecord;
  /** The rotating request's origin, kept with the rotated token for a later reuse event. */
  readonly firstUse: RequestOrigin;
  /** The response to hand a retry; null when the retry window is off, and then nothing is kept. */
  readonly retry: RefreshRetryResponse | null;
  /** The context the family moves to when this rotation wins; absent leaves the family's context as it is. */
  readonly familyContext?: FamilyContext;
  readonly now: number;
}

/** What `rotate` found; a replay carries what the caller needs to tell a benign retry from a reuse. */
export type RotationResult =
  | { readonly outcome: 'redeemed'; readonly record: RefreshTokenRecord }
  | {
      readonly outcome: 'replayed';
      readonly record: RefreshTokenRecord;
      /** The rotating request's origin; null when the token was never rotated (its family was revoked). */
      readonly firstUse: RequestOrigin | null;
      /** The stored response, or null when none is kept (window off, swept, or the family was revoked). */
      readonly retry: RefreshRetryResponse | null;
    }
  | { readonly outcome: 'expired'; readonly record: RefreshTokenRecord }
  | { readonly outcome: 'unknown' };

/** Failed logins counted under one key (an account or a client IP), and the lock they earned. */
export interface LoginThrottleRecord {
  readonly throttleKey: string;
  readonly failures: number;
  readonly lastFailureAt: number;
  /** Attempts under this key are refused while `now < lockedUntil`; 0 when never locked. */
  readonly lockedUntil: number;
}

/** What ending a user's access touched, for the audit trail: sessions live until then, and families not yet revoked. */
export interface AccessRevocation {
  readonly sessionsEnded: number;
  readonly familiesRevoked: number;
}

/** What removing a client's access for a user touched, for the audit trail. */
export interface ConsentRevocation {
  /** Whether a consent existed. */
  readonly consentRemoved: boolean;
  readonly familiesRevoked: number;
  /** Unredeemed authorization codes deleted, and approved device codes not yet redeemed turned to denied. */
  readonly codesDeleted: number;
  /** Back-channel logout tokens queued, one per session of the user in which the client got tokens. */
  readonly logoutsQueued: number;
}

/** An access token revoked before its expiry (RFC 7009 §2): its `jti` is refused until no verifier would accept the token anyway. */
export interface RevokedAccessTokenRecord {
  /** The token's `jti`. */
  readonly tokenId: string;
  /** The client the token was issued to, which revoked it. */
  readonly clientId: string;
  readonly revokedAt: number;
  /** The token's `exp` plus the clock tolerance: past it the token fails its own expiry check, and the entry can go. */
  readonly expiresAt: number;
}

/** A scope an API defines, with the plain words the consent page shows for it. */
export interface ApiScope {
  readonly name: string;
  readonly description: string;
}

/** A registered API (resource server): its identifier is the RFC 8707 `resource` value and its tokens' `aud`. */
export interface ApiRecord {
  /** Absolute URI without a fragment (RFC 8707 §2); unique. */
  readonly identifier: string;
  readonly name: string;
  readonly scopes: readonly ApiScope[];
  /** Lifetime of its access tokens in seconds; null for the configured `tokens.accessTokenTtl`. */
  readonly accessTokenTtl: number | null;
  /** Clients allowed to act as this API's resource server (token introspection). */
  readonly resourceServerClientIds: readonly string[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type ApiUpdate = Partial<Pick<ApiRecord, 'name' | 'scopes' | 'accessTokenTtl' | 'resourceServerClientIds'>>;

/** An API a client may request tokens for, with the scopes of it the client may request. */
export interface ClientApiAccess {
  readonly clientId: string;
  readonly api: ApiRecord;
  /** Space-separated; only scopes the API defines count (the API may drop one later). */
  readonly scope: string;
}

/** One logout token to deliver (Back-Channel Logout §2.5): a row of the durable outbox, one per (session, client). */
export interface LogoutDeliveryRecord {
  /** The ended session, sent as the logout token's `sid`. */
  readonly sessionId: string;
  readonly clientId: string;
  /** The session's user, sent as `sub`. */
  readonly userId: string;
  /** The client's `backchannel_logout_uri` when the session ended. */
  readonly backchannelLogoutUri: string;
  readonly createdAt: number;
  /** Attempts started so far (claiming a row counts one). */
  readonly attempts: number;
  readonly nextAttemptAt: number;
  /** Who holds the row while delivering it: only that holder may record the outcome. */
  readonly leaseId: string | null;
  readonly leaseUntil: number | null;
  /** Set once delivered or given up on; the sweeper removes finished rows. */
  readonly finishedAt: number | null;
  /** The last attempt's outcome: `delivered`, `timeout`, `network_error`, `http_<status>`, `no_signing_key`, `no_uri`, `interrupted`. */
  readonly outcome: string | null;
}

/** How a claimed delivery attempt ended, as the deliverer records it. */
export type LogoutDeliveryOutcome =
  | { readonly kind: 'delivered'; readonly outcome: string; readonly now: number }
  | { readonly kind: 'retry'; readonly outcome: string; readonly nextAttemptAt: number }
  | { readonly kind: 'failed'; readonly outcome: string; readonly now: number };

/** Where a device authorization stands (RFC 8628 §3.5): waiting for the person, decided, or exchanged for tokens. */
export type DeviceAuthorizationStatus = 'pending' | 'approved' | 'denied' | 'redeemed';

/** The person's approval of a device authorization: what its tokens are issued for. */
export interface DeviceApproval {
  readonly userId: string;
  readonly sessionId: string;
  readonly authTime: number;
  /** The API scopes granted, each as `<identifier>#<scope>`, as for an authorization code. */
  readonly apiScope: string;
}

/** A device authorization request (RFC 8628 §3.1-§3.2): both codes appear only as hashes. */
export interface DeviceAuthorizationRecord {
  readonly deviceCodeHash: string;
  /** SHA-256 of the normalised user code (upper case, no dash or spaces), the form the verification page looks it up by. */
  readonly userCodeHash: string;
  readonly clientId: string;
  readonly scope: string;
  /** RFC 8707 §2.1: the APIs requested. */
  readonly resources: readonly string[];
  readonly status: DeviceAuthorizationStatus;
  /** RFC 8628 §3.5: the least seconds between polls; grows by 5 at each `slow_down`. */
  readonly interval: number;
  readonly lastPolledAt: number | null;
  /** Set once approved. */
  readonly approval: DeviceApproval | null;
  /** The authorization flow the device started: the person's verification, login and approval, and the redemption. */
  readonly flowId: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** A recorded poll of a pending device authorization (RFC 8628 §3.5): on time or not, and the interval from now on. */
export interface DevicePoll {
  readonly onTime: boolean;
  readonly interval: number;
}
