// The storage contract: repositories by aggregate, implemented once over Kysely for SQLite and PostgreSQL.
import type {
  AccessRevocation,
  SweptSession,
  ApiRecord,
  ApiUpdate,
  ClientApiAccess,
  AuditChainVerification,
  AuditEventInput,
  AuditEventRecord,
  AuditListFilter,
  AuthorizationCodeRecord,
  ClientRecord,
  ClientUpdate,
  ConsentRecord,
  ConsentRevocation,
  ConsumeResult,
  DeviceApproval,
  DeviceAuthorizationRecord,
  DevicePoll,
  InteractionRecord,
  InteractionStep,
  LoginThrottleRecord,
  LogoutDeliveryOutcome,
  LogoutDeliveryRecord,
  PushedAuthorizationRequestRecord,
  RefreshTokenRecord,
  RefreshTokenRotation,
  RevokedAccessTokenRecord,
  RotationResult,
  SessionRecord,
  SigningKeyRecord,
  TokenFamilyRecord,
  UserRecord,
} from './records.js';

/**
 * Thrown when a unique field (client name, username) is already taken. `field` is the column:
 * `client_name`, `client_id`, `username`, `user_id`, `session_id`, `code_hash`, ...
 */
export class DuplicateError extends Error {
  constructor(readonly field: string) {
    super(`${field} is already taken`);
    this.name = 'DuplicateError';
  }
}

/** Thrown when the database cannot be reached or opened; the message is safe to show an operator. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

export interface ClientRepository {
  /** @throws DuplicateError('client_name') or DuplicateError('client_id') */
  create(client: ClientRecord): Promise<void>;
  findById(clientId: string): Promise<ClientRecord | undefined>;
  findByName(clientName: string): Promise<ClientRecord | undefined>;
  /** Ordered by client name. */
  list(): Promise<readonly ClientRecord[]>;
  /** Returns the updated record, or undefined when no such client. @throws DuplicateError('client_name') */
  update(clientId: string, changes: ClientUpdate, now: number): Promise<ClientRecord | undefined>;
  /** Replaces the secret hash, keeping the old one valid until `previousExpiresAt`. */
  rotateSecret(clientId: string, secretHash: string, previousExpiresAt: number, now: number): Promise<ClientRecord | undefined>;
  /** Deletes the client and everything issued to it (codes, families, refresh tokens, consents), and its API access. */
  delete(clientId: string): Promise<boolean>;
  /**
   * The first `limit` registered client ids by activity since `since`: authorization codes created plus refresh tokens
   * issued (each rotation one), counting at most the `recentRows` newest of each, most first, ties by client_id;
   * clients without activity follow by client_id.
   */
  rankByActivity(since: number, limit: number, recentRows: number): Promise<readonly string[]>;
}

export interface ApiRepository {
  /** @throws DuplicateError('identifier') */
  create(api: ApiRecord): Promise<void>;
  findByIdentifier(identifier: string): Promise<ApiRecord | undefined>;
  /** Ordered by identifier. */
  list(): Promise<readonly ApiRecord[]>;
  /** Returns the updated record, or undefined when no such API. Resource server client ids are replaced as a whole. */
  update(identifier: string, changes: ApiUpdate, now: number): Promise<ApiRecord | undefined>;
  /** Deletes the API with every client's access to it. Tokens already issued for it run out on their own. */
  delete(identifier: string): Promise<boolean>;
  /** Allows a client an API with the given scopes (replacing an earlier allowance of that API). */
  allowClient(clientId: string, identifier: string, scope: string, now: number): Promise<void>;
  /** Withdraws a client's access to an API. Returns whether it had any. */
  disallowClient(clientId: string, identifier: string): Promise<boolean>;
  /** The APIs a client may request tokens for, ordered by identifier. */
  listForClient(clientId: string): Promise<readonly ClientApiAccess[]>;
}

export interface UserRepository {
  /** @throws DuplicateError('username') */
  create(user: UserRecord): Promise<void>;
  findById(userId: string): Promise<UserRecord | undefined>;
  findByUsername(username: string): Promise<UserRecord | undefined>;
  /** The users among `userIds` that exist, in no particular order: a batch lookup (one query per 1,000 ids) rather than one per id. */
  findByIds(userIds: readonly string[]): Promise<readonly UserRecord[]>;
  /** Ordered by username. */
  list(): Promise<readonly UserRecord[]>;
  /** Replaces the hash alone (a rehash under new parameters at login). Returns false when no such user. */
  setPasswordHash(userId: string, passwordHash: string, now: number): Promise<boolean>;
  /**
   * A password change, in one transaction: replaces the hash, ends the user's live sessions, revokes their live
   * token families (reason `password_changed`), deletes their unredeemed authorization codes and withdraws their
   * unredeemed device approvals, so nothing obtained with the old password outlives it. The ended sessions' back-channel logout deliveries are queued.
   * Returns what was ended, or undefined when no such user.
   */
  changePassword(userId: string, passwordHash: string, now: number): Promise<AccessRevocation | undefined>;
  /**
   * Marks the user disabled, ends their live sessions (queueing their back-channel logout deliveries), revokes
   * their live token families (reason `user_disabled`) and withdraws their unredeemed device approvals, in one transaction. Returns what was ended, or undefined when no such user; disabling again
   * keeps the first `disabledAt` and revokes anything issued since.
   */
  disable(userId: string, now: number): Promise<AccessRevocation | undefined>;
  /** Clears `disabledAt`; what disabling ended stays ended. Returns false when no such user. */
  enable(userId: string, now: number): Promise<boolean>;
  /** Grants (`true`) or removes (`false`) the admin role; setting what is already set still succeeds. Returns false when no such user. */
  setAdmin(userId: string, admin: boolean, now: number): Promise<boolean>;
  /**
   * Deletes the user and everything issued to them: sessions, authorization codes, consents, token families and
   * their refresh tokens. Audit events keep their user id. Returns false when no such user.
   */
  delete(userId: string): Promise<boolean>;
}

export interface AuthorizationCodeRepository {
  create(code: AuthorizationCodeRecord): Promise<void>;
  /**
   * Consumes a code with one conditional update: of N concurrent callers exactly one gets `redeemed`;
   * the rest get `replayed` (with the record, so its tokens can be revoked). A code past `expiresAt`
   * that was never consumed gives `expired`; an unknown hash gives `unknown`. A code is live while
   * `now < expiresAt`; a consumed code stays `replayed` after it expires (until `deleteExpired` removes it).
   */
  consume(codeHash: string, now: number): Promise<ConsumeResult<AuthorizationCodeRecord>>;
  /** Removes up to `limit` codes that expired before `before` (one sweep batch). Returns how many. */
  deleteExpired(before: number, limit: number): Promise<number>;
}

export interface ConsentRepository {
  find(userId: string, clientId: string): Promise<ConsentRecord | undefined>;
  /** Inserts or replaces the consent for (user, client). */
  save(consent: ConsentRecord): Promise<void>;
  /** Every consent the user has given, oldest first. */
  listForUser(userId: string): Promise<readonly ConsentRecord[]>;
  /**
   * Records that a token was issued or refreshed for (user, client) at `now`, to the minute: a use within
   * CONSENT_USE_PRECISION seconds of the recorded one writes nothing, so a busy client costs no write per refresh.
   * No-op without a consent (first-party clients).
   */
  recordUse(userId: string, clientId: string, now: number): Promise<void>;
  /**
   * Removes the client's access for the user in one transaction: deletes the consent, revokes the token families
   * issued to the client for the user (reason `consent_revoked`), deletes their unredeemed authorization codes,
   * withdraws their unredeemed device approvals (after waiting for a concurrent redemption, whose family it revokes), and
   * queues a back-channel logout delivery for each session of the user in which the client got tokens and which has
   * none queued yet (Back-Channel Logout §2.5), forgetting the client as a participant of those sessions.
   */
  revoke(userId: string, clientId: string, now: number): Promise<ConsentRevocation>;
}

export interface RefreshTokenRepository {
  createFamily(family: TokenFamilyRecord): Promise<void>;
  findFamily(familyId: string): Promise<TokenFamilyRecord | undefined>;
  create(token: RefreshTokenRecord): Promise<void>;
  findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /**
   * Rotates a refresh token in one transaction: one conditional update (not yet rotated, not expired, family live)
   * marks it rotated and records `firstUse` and `retry` on it, then the successor is inserted and the family takes
   * `familyContext` (when given). Of N concurrent callers
   * exactly one gets `redeemed` and only its successor, response and context exist; the rest get `replayed` with the winner's
   * `firstUse` and `retry` (seen once the winner committed). A token already rotated or of a revoked family gives
   * `replayed` (a revoked family's never-rotated token with `firstUse: null`); otherwise a token at or past its
   * `expiresAt`, or of a family at or past its `expiresAt`, gives `expired`; an unknown hash gives `unknown`.
   * The retry data is returned as stored, even past `retryUntil`: the caller judges the window.
   */
  rotate(rotation: RefreshTokenRotation): Promise<RotationResult>;
  /**
   * Clears every stored retry response whose window ended before `now` (`retryUntil < now`), so none outlives
   * its window. Returns how many.
   */
  purgeRetryResponses(now: number): Promise<number>;
  /** Revokes one family and drops its stored retry responses. Returns false if it was already revoked or does not exist. */
  revokeFamily(familyId: string, reason: string, now: number): Promise<boolean>;
  /**
   * Revokes the family issued from an authorization code (code replay), drops its stored retry responses, and returns
   * it, or undefined when the code issued none. An already revoked family keeps its first `revokedAt` and reason.
   */
  revokeFamilyByCode(authorizationCodeHash: string, reason: string, now: number): Promise<TokenFamilyRecord | undefined>;
  /**
   * Removes, within `slice`, the refresh tokens whose idle expiry is before `before`. A rotated token goes too:
   * presented later, it is unknown, no longer a reuse that revokes its family. The tokens of a family that expired or
   * was revoked go with it (deleteExpiredFamilies).
   */
  deleteExpired(before: number, slice: SweepSlice): Promise<SliceSwept<number>>;
  /**
   * Removes, within `slice`, the token families, with any refresh tokens left in them, that expired or were revoked
   * before `before`, and those created before `before` that hold no refresh token (never issued one, or all were
   * removed). A removed family's access tokens are refused at userinfo, so the caller passes a `before` that every
   * access token the family issued has outlived.
   */
  deleteExpiredFamilies(before: number, slice: SweepSlice): Promise<SliceSwept<number>>;
}

/**
 * A bounded run of a large table for the sweep: the next `rows` rows after the key `after` in key order (from the
 * first row when null). The sweep of a table with millions of rows is then many short statements, each examining a
 * slice, instead of one that scans the whole table whatever little it deletes.
 */
export interface SweepSlice {
  readonly after: string | null;
  readonly rows: number;
}

/** What a slice's sweep removed, and the key the next slice starts after (null: this slice reached the table's end). */
export interface SliceSwept<Removed> {
  readonly removed: Removed;
  readonly next: string | null;
}

export interface SessionRepository {
  create(session: SessionRecord): Promise<void>;
  /** Finds a live session: not ended, not idle-expired, not absolutely expired at `now`. */
  findLive(sessionHash: string, now: number): Promise<SessionRecord | undefined>;
  /** Extends the idle expiry (capped by the absolute one) of a session not yet ended. */
  touch(sessionHash: string, now: number, idleExpiresAt: number): Promise<void>;
  /**
   * Ends a session not yet ended and, in the same transaction, deletes its unredeemed authorization codes, withdraws
   * the device approvals given in it that are not yet redeemed (their device is answered access_denied) and queues
   * the back-channel logout deliveries of the
   * clients that took part in it and registered a `backchannel_logout_uri` (Back-Channel Logout §2.5), so a crash loses none. Returns false when it was already ended.
   */
  end(sessionHash: string, now: number): Promise<boolean>;
  /** The user's live sessions at `now`, most recently started first. */
  listLiveForUser(userId: string, now: number): Promise<readonly SessionRecord[]>;
  /**
   * Ends the live session with public id `sessionId` only when it belongs to `userId`, exactly as `end` does (codes
   * deleted, back-channel logout queued). Returns false when the user has no such live session.
   */
  endById(userId: string, sessionId: string, now: number): Promise<boolean>;
  /**
   * Removes, within `slice`, the sessions that ended, idle-expired or absolutely expired before `before`, with the
   * record of the clients that took part in them. Says when each removed session began and ended, so the sessions
   * that simply expired can be measured.
   */
  deleteExpired(before: number, slice: SweepSlice): Promise<SliceSwept<readonly SweptSession[]>>;
}

export interface SigningKeyRepository {
  /** Every key not yet past `publishUntil` (next and active keys, retired ones while `now <= publishUntil`), newest first. */
  listPublished(now: number): Promise<readonly SigningKeyRecord[]>;
  listAll(): Promise<readonly SigningKeyRecord[]>;
  /** @throws DuplicateError('alg') for a second next (or active) key of one algorithm, as racing bootstraps would add. */
  create(key: SigningKeyRecord): Promise<void>;
  /**
   * Rotates the keys of one algorithm, `newNext.alg`: promotes `nextKid` to active and retires that algorithm's
   * active key (published until `retiredPublishUntil`), adding `newNext` as its next key — all in one transaction,
   * conditional on `expectedActiveKid` still being active, so when several instances race only one rotation per
   * algorithm happens. Returns whether this call rotated. With `expectedActiveKid: null` it promotes `nextKid` only
   * while no key of that algorithm is active (its first activation). Keys of other algorithms are never touched.
   */
  rotate(rotation: {
    readonly expectedActiveKid: string | null;
    readonly nextKid: string;
    readonly newNext: SigningKeyRecord;
    readonly retiredPublishUntil: number;
    readonly now: number;
  }): Promise<boolean>;
  /**
   * Retires a next or active key, published until `publishUntil` (its algorithm is no longer configured).
   * Returns false when it was already retired or is gone, so of racing callers exactly one gets true.
   */
  retire(kid: string, publishUntil: number, now: number): Promise<boolean>;
  /** Deletes retired keys whose publishUntil is before `now`. */
  deleteExpired(now: number): Promise<number>;
}

export interface InteractionRepository {
  create(interaction: InteractionRecord): Promise<void>;
  /** A live interaction: not completed and `now < expiresAt`. */
  findLive(interactionHash: string, now: number): Promise<InteractionRecord | undefined>;
  /**
   * Moves a live interaction to its next step with one conditional update: `awaiting` and the given session ids are set.
   * Returns false when it is no longer live (completed or expired).
   */
  advance(interactionHash: string, step: InteractionStep, now: number): Promise<boolean>;
  /** Completes a live interaction with one conditional update; of concurrent callers exactly one gets true. */
  complete(interactionHash: string, now: number): Promise<boolean>;
  /** Removes up to `limit` interactions that expired before `before` (one sweep batch). Returns how many. */
  deleteExpired(before: number, limit: number): Promise<number>;
}

/** Pushed authorization requests (RFC 9126), by the hash of their request_uri. */
export interface PushedAuthorizationRequestRepository {
  create(request: PushedAuthorizationRequestRecord): Promise<void>;
  /**
   * Uses a pushed request of `clientId` with one conditional update: of N concurrent callers exactly one gets
   * `redeemed`; the rest get `replayed`. One never used and at or past `expiresAt` gives `expired`. An unknown hash,
   * or a request pushed by another client (left untouched: it is not theirs to spend), gives `unknown`.
   */
  consume(requestHash: string, clientId: string, now: number): Promise<ConsumeResult<PushedAuthorizationRequestRecord>>;
  /** Removes up to `limit` requests that expired before `before` (one sweep batch), used or not. Returns how many. */
  deleteExpired(before: number, limit: number): Promise<number>;
}

/** Device authorizations (RFC 8628): created by the device, decided by the person, redeemed once by the device. */
export interface DeviceAuthorizationRepository {
  /** @throws DuplicateError('user_code_hash') when the user code is taken (the caller draws another). */
  create(authorization: DeviceAuthorizationRecord): Promise<void>;
  findByDeviceCode(deviceCodeHash: string): Promise<DeviceAuthorizationRecord | undefined>;
  /** The authorization a person may still decide: pending and `now < expiresAt`. */
  findPendingByUserCode(userCodeHash: string, now: number): Promise<DeviceAuthorizationRecord | undefined>;
  /** Approves a pending, live authorization with one conditional update; false when it was decided already or expired. */
  approve(deviceCodeHash: string, approval: DeviceApproval, now: number): Promise<boolean>;
  /** Denies a pending, live authorization with one conditional update; false when it was decided already or expired. */
  deny(deviceCodeHash: string, now: number): Promise<boolean>;
  /**
   * Records a poll of a pending authorization at `now`. It is on time when at least `interval` seconds passed since the
   * last poll (or none came before); otherwise the interval grows by `slowDownSeconds` (RFC 8628 §3.5 `slow_down`).
   * The check and the record are one conditional update, so of N concurrent polls at most one is on time.
   * Undefined when the authorization is no longer pending (or gone).
   */
  recordPoll(deviceCodeHash: string, now: number, slowDownSeconds: number): Promise<DevicePoll | undefined>;
  /**
   * Marks an approved, live authorization of `clientId` redeemed with one conditional update and returns it: of N
   * concurrent callers exactly one gets the record; the rest, and any other client, get undefined.
   */
  redeem(deviceCodeHash: string, clientId: string, now: number): Promise<DeviceAuthorizationRecord | undefined>;
  /** Removes up to `limit` authorizations that expired before `before` (one sweep batch). Returns how many. */
  deleteExpired(before: number, limit: number): Promise<number>;
}

/** Login throttling counters, shared by every instance. */
export interface LoginThrottleRepository {
  /**
   * Counts one failed login under `key` with one atomic upsert and returns the record after it: the count grows by
   * one, or restarts at 1 when the key has been quiet (no failure and no lock) for `window` seconds before `now`.
   * Of N concurrent calls on one key each gets a distinct count.
   */
  recordFailure(key: string, now: number, window: number): Promise<LoginThrottleRecord>;
  /** Locks `key` until `lockedUntil`; never shortens a longer lock set by a concurrent failure. No-op for an unknown key. */
  lock(key: string, lockedUntil: number): Promise<void>;
  /** The records among `keys` that are locked at `now`, ordered by key. */
  findLocked(keys: readonly string[], now: number): Promise<readonly LoginThrottleRecord[]>;
  /** Forgets a key: a successful login clears its account's count. */
  clear(key: string): Promise<void>;
  /** Removes up to `limit` keys (one sweep batch) whose last failure and lock both end before `before`. Returns how many. */
  deleteStale(before: number, limit: number): Promise<number>;
}

/** The `jti` of accepted client assertions (RFC 7523 §3), kept until they expire so none is accepted twice. */
export interface ClientAssertionJtiRepository {
  /**
   * Records a `jti` (its hash) of `clientId` until `expiresAt`, with one atomic insert: true when it was not yet
   * recorded, or recorded with an expiry at or before `now`; false for a replay. Of N concurrent calls exactly one
   * gets true.
   */
  markUsed(clientId: string, jtiHash: string, expiresAt: number, now: number): Promise<boolean>;
  /** Removes up to `limit` records that expired before `before` (one sweep batch). Returns how many. */
  deleteExpired(before: number, limit: number): Promise<number>;
}

/** The key-scoped `jti` of accepted DPoP proofs (RFC 9449 §11.1), kept while the proof could be accepted so none is accepted twice. */
export interface DpopProofJtiRepository {
  /**
   * Records a `jti` hash until `expiresAt` (exclusive: the record is live while `now < expiresAt`, so pass the first
   * second at which the proof can no longer be accepted), with one atomic insert: true when it was not yet recorded, or
   * recorded with an expiry at or before `now`; false for a replay. Of N concurrent calls exactly one gets true.
   */
  markUsed(jtiHash: string, expiresAt: number, now: number): Promise<boolean>;
  /** Removes up to `limit` records that expired before `before` (one sweep batch). Returns how many. */
  deleteExpired(before: number, limit: number): Promise<number>;
}

/** Back-Channel Logout 1.0: which clients took part in a session, and the durable outbox of logout tokens to deliver. */
export interface BackChannelLogoutRepository {
  /** Records that `clientId` got tokens in session `sessionId` (idempotent), so ending the session notifies it. */
  recordParticipant(sessionId: string, clientId: string, now: number): Promise<void>;
  /**
   * Claims up to `limit` unfinished deliveries due at `now` whose lease (if any) has run out, with one conditional
   * update: each gets `leaseId` until `leaseUntil` and one more attempt. Of instances claiming at once, each row goes
   * to exactly one of them.
   */
  claimDue(now: number, leaseId: string, leaseUntil: number, limit: number): Promise<readonly LogoutDeliveryRecord[]>;
  /** Records an attempt's outcome, only while `leaseId` still holds the row. Returns whether it did. */
  recordOutcome(sessionId: string, clientId: string, leaseId: string, outcome: LogoutDeliveryOutcome): Promise<boolean>;
  /** The deliveries of one session, for tests and operators. */
  listForSession(sessionId: string): Promise<readonly LogoutDeliveryRecord[]>;
  /**
   * Removes up to `limit` deliveries (one sweep batch) finished before `before`. Returns how many. (The participants
   * of a session go with the session.)
   */
  deleteFinished(before: number, limit: number): Promise<number>;
}

/**
 * Seals the audit chain head and checks a seal: an HMAC keyed from the key-encryption secret (see
 * createMessageAuthentication), so someone who can write the database but lacks the secret cannot move the head.
 */
export interface AuditSealer {
  sign(message: string): string;
  /** Whether `signature` was made under the current or a previous secret. */
  verify(message: string, signature: string): boolean;
}

/** Reading the audit trail: needs no secret. */
export interface AuditReader {
  /**
   * Most recent first, filtered as `filter` says. A row that cannot be decoded is returned flagged
   * (`detailsInvalid`, `occurredAtInvalid`) rather than failing the listing.
   */
  list(filter: AuditListFilter): Promise<readonly AuditEventRecord[]>;
  /**
   * Up to `limit` events with a sequence number above `afterSequence` (and, with `since`, that occurred at or after
   * it), oldest first: one page of an export, so a reader never holds the whole trail. Sequence numbers are given
   * under the chain head's lock, so an event never becomes visible behind one already read; times are not ordered
   * (instances' clocks differ), so a reader following the trail pages by sequence alone and uses `since` once, to
   * find where to start. Rows are flagged as by `list`.
   */
  listAfter(afterSequence: number, options: { readonly limit: number; readonly since?: number }): Promise<readonly AuditEventRecord[]>;
}

/** The audit hash chain itself: appending, pruning and verifying all need the sealer, so only a SealedStore has it. */
export interface AuditRepository extends AuditReader {
  /**
   * Appends an event to the hash chain (serialised so the chain never forks) and re-seals the head in the same
   * transaction. A head whose seal does not verify keeps it, so verifyChain goes on reporting the forgery.
   */
  append(event: AuditEventInput): Promise<AuditEventRecord>;
  /** Appends the events, in order, in one transaction (re-sealing the head once): a batch costs one lock of the head and one commit. */
  appendMany(events: readonly AuditEventInput[]): Promise<readonly AuditEventRecord[]>;
  /**
   * Recomputes the chain from the pruned head (the genesis hash until a prune) and reports the first break: its
   * sequence number, its position, and whether it looks altered, inserted or deleted. Events removed from the end or
   * forged past it are caught too: the chain head remembers the last append. Events appended while it runs are checked as well.
   * A head whose seal does not verify is `head_forged`: the end of the chain, or where pruning stopped, was moved by
   * someone without the key-encryption secret. A head never sealed is judged by the chain alone (`sealed: false`).
   */
  verifyChain(): Promise<AuditChainVerification>;
  /**
   * Deletes up to `limit` of the oldest events (one sweep batch), stopping at the first that occurred at or after
   * `before`, so only a prefix of the chain ever goes. In the same transaction the last deleted event becomes the
   * pruned head (its sequence and hash), where verifyChain starts, and the head is re-sealed. Returns how many.
   */
  prune(before: number, limit: number): Promise<number>;
}

/** The deny list of revoked access tokens (RFC 7009 §2), by `jti`. */
export interface RevokedAccessTokenRepository {
  /** Puts a token on the deny list with one insert; revoking it again keeps the first entry. Returns whether this call added it. */
  add(entry: RevokedAccessTokenRecord): Promise<boolean>;
  /** Whether `tokenId` is on the deny list, whatever its `expiresAt` (a token past it fails its own expiry check anyway). */
  isRevoked(tokenId: string): Promise<boolean>;
  /** Removes up to `limit` entries (one sweep batch) whose `expiresAt` is before `before`. Returns how many. */
  deleteExpired(before: number, limit: number): Promise<number>;
}

export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  readonly clients: ClientRepository;
  readonly apis: ApiRepository;
  readonly users: UserRepository;
  readonly authorizationCodes: AuthorizationCodeRepository;
  readonly consents: ConsentRepository;
  readonly refreshTokens: RefreshTokenRepository;
  readonly sessions: SessionRepository;
  readonly signingKeys: SigningKeyRepository;
  readonly interactions: InteractionRepository;
  readonly pushedAuthorizationRequests: PushedAuthorizationRequestRepository;
  readonly deviceAuthorizations: DeviceAuthorizationRepository;
  readonly loginThrottle: LoginThrottleRepository;
  readonly clientAssertionJtis: ClientAssertionJtiRepository;
  readonly dpopProofJtis: DpopProofJtiRepository;
  readonly backChannelLogout: BackChannelLogoutRepository;
  /** Reading only: appending to the audit chain takes a SealedStore. */
  readonly audit: AuditReader;
  readonly revokedAccessTokens: RevokedAccessTokenRepository;
  /**
   * Runs `fn` in one transaction with repositories bound to it; commits when it resolves, rolls back and
   * rethrows when it throws. Called on a transaction's store, it joins that transaction.
   */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  /** Throws StoreUnavailableError when the database does not answer (also once the store is closed). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A store opened with the audit sealer: the only kind that can append to, prune or verify the audit chain, so no
 * event is ever appended under a head left unsealed.
 */
export interface SealedStore extends Store {
  readonly audit: AuditRepository;
  transaction<T>(fn: (store: SealedStore) => Promise<T>): Promise<T>;
}
