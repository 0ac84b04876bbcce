// Periodic clean-up of expired state in small batches, so storage stays bounded and retry responses do not outlive their window.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { API_TOKEN_TTL } from '../apis/metadata.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { SweptSession } from '../store/records.js';
import type { SealedStore, SliceSwept, Store, SweepSlice } from '../store/store.js';

/**
 * Consumed codes are kept this long past expiry: a replay within it still finds the code and revokes what it issued
 * (RFC 6749 §4.1.2); after it the code is forgotten and a replay is merely unknown.
 */
export const CODE_RETENTION_SECONDS = 86_400;
/** Device authorizations are kept this long past expiry, so a device polling a little late hears expired_token (RFC 8628 §3.5). */
export const DEVICE_AUTHORIZATION_RETENTION_SECONDS = 3600;
/** Finished logout deliveries stay this long, so an operator can see what happened to a recent logout. */
export const FINISHED_DELIVERY_RETENTION_SECONDS = 86_400;
/** Rows per delete statement: each holds its write lock briefly, so requests interleave with a long sweep. */
export const SWEEP_BATCH_SIZE = 500;
/**
 * Rows one statement examines in the tables that grow with the user base (refresh tokens, families, sessions), which
 * are swept by key range: a few milliseconds each on SQLite, however many millions of rows the table holds.
 */
export const SWEEP_SLICE_ROWS = 2000;
const SWEEP_INTERVAL_MS = 60_000;

/** The settings that decide how long swept state is kept. */
export interface SweepPolicy {
  /**
   * The longest an access token lives: `tokens.accessTokenTtl`, or an API's own lifetime when longer. Userinfo and
   * introspection refuse an access token whose family is gone, so families outlive every token they issued.
   */
  readonly accessTokenTtl: number;
  /** `rateLimits.loginWindow`: a key quiet this long counts from zero again, so its row can go. */
  readonly loginWindow: number;
  /** `audit.retention`: events older than this go; 0 keeps every event. */
  readonly auditRetention: number;
}

export function sweepPolicy(config: Pick<Config, 'tokens' | 'rateLimits' | 'audit'>): SweepPolicy {
  // An API's access tokens may live up to API_TOKEN_TTL.max (`gatehouse apis create --access-token-ttl`), whatever the default.
  const accessTokenTtl = Math.max(config.tokens.accessTokenTtl, API_TOKEN_TTL.max);
  return { accessTokenTtl, loginWindow: config.rateLimits.loginWindow, auditRetention: config.audit.retention };
}

export interface SweepResult {
  readonly authorizationCodes: number;
  readonly interactions: number;
  readonly pushedAuthorizationRequests: number;
  readonly deviceAuthorizations: number;
  readonly sessions: number;
  readonly refreshTokens: number;
  readonly tokenFamilies: number;
  readonly loginThrottle: number;
  readonly auditEvents: number;
  readonly retryResponses: number;
  readonly revokedAccessTokens: number;
  readonly clientAssertionJtis: number;
  readonly dpopProofJtis: number;
  readonly logoutDeliveries: number;
}

/** A sweep's stop signal (at shutdown), and who hears of the sessions it found expired (the session duration metric). */
export interface SweepOptions {
  readonly signal?: AbortSignal;
  /** Called with each slice's sessions that expired without being ended (ended ones were seen when they ended). */
  readonly onSessionsExpired?: (sessions: readonly SweptSession[]) => void;
}

/** One sweep batch: deletes at most `limit` rows and says how many went. */
type Batch = (limit: number) => Promise<number>;
/** One sweep slice (see SweepSlice): deletes what it must among the slice's rows and says how many went. */
type Slice = (slice: SweepSlice) => Promise<SliceSwept<number>>;


/** Repeats `batch` until one comes back short, or until `signal` asks to stop (at shutdown); returns the rows removed. */
async function drain(batch: Batch, signal: AbortSignal | undefined): Promise<number> {
  let removed = 0;
  while (signal?.aborted !== true) {
    // A turn of the event loop before each statement: on SQLite a statement completes without one, so a sweep of
    // many statements would otherwise hold every request until its end.
    await nextTurn();
    const count = await batch(SWEEP_BATCH_SIZE);
    removed += count;
    if (count < SWEEP_BATCH_SIZE) break;
  }
  return removed;
}

/** Sweeps a table slice after slice from its first key to its last, or until `signal` asks to stop; returns the rows removed. */
async function drainSlices(slice: Slice, signal: AbortSignal | undefined): Promise<number> {
  let removed = 0;
  let after: string | null = null;
  while (signal?.aborted !== true) {
    await nextTurn();
    const swept = await slice({ after, rows: SWEEP_SLICE_ROWS });
    removed += swept.removed;
    if (swept.next === null) break;
    after = swept.next;
  }
  return removed;
}

/** Deletes what no request can use any more, table by table in batches or slices; idempotent, so instances need no coordination. */
export async function sweepExpiredState(store: SealedStore, now: number, policy: SweepPolicy, options: SweepOptions = {}): Promise<SweepResult> {
  const sweep = (batch: Batch) => drain(batch, options.signal);
  const sweepSlices = (slice: Slice) => drainSlices(slice, options.signal);
  // Every access token a family issued expires within the longest access token lifetime of its last refresh token's expiry (see deleteExpiredFamilies).
  const tokensBefore = now - policy.accessTokenTtl;
  return {
    authorizationCodes: await sweep((limit) => store.authorizationCodes.deleteExpired(now - CODE_RETENTION_SECONDS, limit)),
    interactions: await sweep((limit) => store.interactions.deleteExpired(now, limit)),
    // RFC 9126 §4: an expired request_uri is refused whatever its row says, so used or not it can go.
    pushedAuthorizationRequests: await sweep((limit) => store.pushedAuthorizationRequests.deleteExpired(now, limit)),
    deviceAuthorizations: await sweep((limit) => store.deviceAuthorizations.deleteExpired(now - DEVICE_AUTHORIZATION_RETENTION_SECONDS, limit)),
    sessions: await sweepSlices((slice) => sweepSessions(store, now, slice, options.onSessionsExpired)),
    // Tokens before families: a family removed then takes with it only the tokens not yet idle-expired (a revoked family's).
    refreshTokens: await sweepSlices((slice) => store.refreshTokens.deleteExpired(tokensBefore, slice)),
    tokenFamilies: await sweepSlices((slice) => store.refreshTokens.deleteExpiredFamilies(tokensBefore, slice)),
    loginThrottle: await sweep((limit) => store.loginThrottle.deleteStale(now - policy.loginWindow, limit)),
    auditEvents: policy.auditRetention === 0 ? 0 : await sweep((limit) => store.audit.prune(now - policy.auditRetention, limit)),
    retryResponses: await store.refreshTokens.purgeRetryResponses(now),
    // A deny-list entry outlives its token's exp by the clock tolerance (see RevokedAccessTokenRecord), then goes.
    revokedAccessTokens: await sweep((limit) => store.revokedAccessTokens.deleteExpired(now, limit)),
    // RFC 7523 §3: a jti is kept only while its assertion could still be accepted.
    clientAssertionJtis: await sweep((limit) => store.clientAssertionJtis.deleteExpired(now, limit)),
    // RFC 9449 §11.1: a proof's jti is kept only while the proof could still be accepted.
    dpopProofJtis: await sweep((limit) => store.dpopProofJtis.deleteExpired(now, limit)),
    // Delivered or given-up logout tokens, kept a day for operators.
    logoutDeliveries: await sweep((limit) => store.backChannelLogout.deleteFinished(now - FINISHED_DELIVERY_RETENTION_SECONDS, limit)),
  };
}

async function sweepSessions(store: Store, now: number, slice: SweepSlice, onSessionsExpired: SweepOptions['onSessionsExpired']): Promise<SliceSwept<number>> {
  const swept = await store.sessions.deleteExpired(now, slice);
  const expired = swept.removed.filter((session) => session.endedAt === null);
  if (expired.length > 0) onSessionsExpired?.(expired);
  return { removed: swept.removed.length, next: swept.next };
}

/** Runs the sweep every minute on every instance. */
export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly stopping = new AbortController();

  constructor(
    private readonly store: SealedStore,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly policy: SweepPolicy,
    private readonly onSessionsExpired?: SweepOptions['onSessionsExpired'],
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep().finally(() => (this.running = undefined));
    }, SWEEP_INTERVAL_MS).unref();
  }

  /** Stops the timer and waits for a sweep in progress to finish its current batches, so the store can be closed after it. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await this.running;
  }

  private async sweep(): Promise<void> {
    try {
      const removed = await sweepExpiredState(this.store, this.clock(), this.policy, { signal: this.stopping.signal, onSessionsExpired: this.onSessionsExpired });
      this.logger.debug({ removed }, 'expired state swept');
    } catch (error) {
      this.logger.warn({ err: error }, 'sweeping expired state failed; will try again');
    }
  }
}
