// The durable outbox's deliverer: every instance claims due logout tokens, POSTs them, and records each attempt.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { EventBus } from '../observability/events.js';
import type { Logger } from '../observability/logger.js';
import type { LogoutDeliveryOutcome, LogoutDeliveryRecord, SigningAlgorithm } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { SigningKey } from '../tokens/keys/signing-key.js';
import { createLogoutToken } from '../tokens/logout-token.js';
import { postLogoutToken, type PostOutcome } from './post-logout-token.js';

/** Back-Channel Logout §2.4: short-lived; each attempt signs a fresh token with its own `jti`. */
const LOGOUT_TOKEN_TTL = 120;
/** Deliveries one instance has in flight at most; a slow receiver holds one slot, never the others. */
const MAX_IN_FLIGHT = 32;
/** A claimed row stays with its instance this much longer than the timeout; after a crash another takes it over. */
const LEASE_MARGIN = 30;

export interface BackChannelDelivererDeps {
  readonly store: Pick<Store, 'backChannelLogout' | 'clients'>;
  readonly keyRing: { activeKey(alg: SigningAlgorithm): SigningKey | undefined };
  readonly config: Pick<Config, 'issuer' | 'backChannelLogout'>;
  readonly events: EventBus;
  readonly logger: Logger;
  readonly clock: Clock;
}

/** Polls the outbox every `backChannelLogout.pollInterval`; a down, slow or failing receiver delays only its own token. */
export class BackChannelDeliverer {
  private timer: NodeJS.Timeout | undefined;
  private claiming: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(private readonly deps: BackChannelDelivererDeps) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.poll(), this.deps.config.backChannelLogout.pollInterval).unref();
  }

  /** Stops polling, interrupts deliveries in flight (they are retried, by any instance) and waits until all are recorded. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await this.claiming;
    await Promise.all([...this.inFlight]);
  }

  private poll(): void {
    if (this.claiming !== undefined || this.stopping.signal.aborted) return;
    this.claiming = this.claimAndStart()
      .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'claiming logout tokens to deliver failed; will try again'))
      .finally(() => (this.claiming = undefined));
  }

  private async claimAndStart(): Promise<void> {
    const free = MAX_IN_FLIGHT - this.inFlight.size;
    if (free <= 0) return;
    const now = this.deps.clock();
    const leaseId = randomUUID();
    const leaseUntil = now + Math.ceil(this.deps.config.backChannelLogout.timeout / 1000) + LEASE_MARGIN;
    const claimed = await this.deps.store.backChannelLogout.claimDue(now, leaseId, leaseUntil, free);
    for (const delivery of claimed) {
      const attempt = this.deliver(delivery, leaseId).catch((error: unknown) =>
        this.deps.logger.warn({ err: error, clientId: delivery.clientId }, 'recording a logout token delivery failed; it will be retried'),
      );
      this.inFlight.add(attempt);
      void attempt.finally(() => this.inFlight.delete(attempt));
    }
  }

  private async deliver(delivery: LogoutDeliveryRecord, leaseId: string): Promise<void> {
    const outcome = await this.attempt(delivery);
    const recorded = this.judge(delivery, outcome);
    const held = await this.deps.store.backChannelLogout.recordOutcome(delivery.sessionId, delivery.clientId, leaseId, recorded);
    // The row went with its client (deleted meanwhile): there is nothing left to report on.
    if (!held) return;
    const { userId, clientId, attempts: attempt } = delivery;
    if (recorded.kind === 'delivered') this.deps.events.emit({ type: 'logout.delivered', userId, clientId, attempt });
    else this.deps.events.emit({ type: 'logout.delivery_failed', userId, clientId, attempt, outcome, willRetry: recorded.kind === 'retry' });
  }

  private async attempt(delivery: LogoutDeliveryRecord): Promise<PostOutcome | 'no_signing_key' | 'client_gone' | 'no_uri'> {
    const client = await this.deps.store.clients.findById(delivery.clientId);
    // Deleted since the claim; its outbox rows were deleted with it (ON DELETE CASCADE).
    if (client === undefined) return 'client_gone';
    // Always the URI the client registers now: one removed or moved since the logout never receives the token.
    if (client.backchannelLogoutUri === null) return 'no_uri';
    // Back-Channel Logout §2.6: the receiver validates the token as an ID token, so it is signed the same way.
    const key = this.deps.keyRing.activeKey(client.idTokenSignedResponseAlg);
    if (key === undefined) return 'no_signing_key';
    const { issuer, backChannelLogout } = this.deps.config;
    const input = { issuer, clientId: client.clientId, userId: delivery.userId, sessionId: delivery.sessionId, now: this.deps.clock(), ttl: LOGOUT_TOKEN_TTL };
    return postLogoutToken(client.backchannelLogoutUri, createLogoutToken(input, key), backChannelLogout.timeout, this.stopping.signal);
  }

  /** 2xx is done; otherwise retry with exponential backoff until `maxAttempts` or `maxAge`, then give up. */
  private judge(delivery: LogoutDeliveryRecord, outcome: string): LogoutDeliveryOutcome {
    const now = this.deps.clock();
    if (outcome === 'delivered') return { kind: 'delivered', outcome, now };
    // Shutting down is not the receiver's fault: retried at once, by whichever instance claims it first.
    if (outcome === 'interrupted') return { kind: 'retry', outcome, nextAttemptAt: now };
    // The client no longer wants logout tokens: nothing to retry.
    if (outcome === 'no_uri') return { kind: 'failed', outcome, now };
    const { retryDelay, maxAttempts, maxAge } = this.deps.config.backChannelLogout;
    const nextAttemptAt = now + retryDelay * 2 ** (delivery.attempts - 1);
    const exhausted = delivery.attempts >= maxAttempts || nextAttemptAt > delivery.createdAt + maxAge;
    return exhausted ? { kind: 'failed', outcome, now } : { kind: 'retry', outcome, nextAttemptAt };
  }
}
