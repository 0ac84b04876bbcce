// Periodic clean-up of expired one-time state, so tables stay small and encrypted retry responses do not outlive their window.
import type { Clock } from '../clock.js';
import type { Logger } from '../observability/logger.js';
import type { Store } from '../store/store.js';

/**
 * Consumed codes are kept this long past expiry: a replay within it still finds the code and revokes what it issued
 * (RFC 6749 §4.1.2); after it the code is forgotten and a replay is merely unknown.
 */
export const CODE_RETENTION_SECONDS = 86_400;
const SWEEP_INTERVAL_MS = 60_000;

export interface SweepResult {
  readonly authorizationCodes: number;
  readonly interactions: number;
  readonly retryResponses: number;
}

export async function sweepExpiredState(store: Store, now: number): Promise<SweepResult> {
  return {
    authorizationCodes: await store.authorizationCodes.deleteExpired(now - CODE_RETENTION_SECONDS),
    interactions: await store.interactions.deleteExpired(now),
    retryResponses: await store.refreshTokens.purgeRetryResponses(now),
  };
}

/** Runs the sweep every minute on every instance; the deletes are idempotent, so instances need no coordination. */
export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep().finally(() => (this.running = undefined));
    }, SWEEP_INTERVAL_MS).unref();
  }

  /** Stops the timer and waits for a sweep in progress, so the store can be closed after it. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async sweep(): Promise<void> {
    try {
      const removed = await sweepExpiredState(this.store, this.clock());
      this.logger.debug({ removed }, 'expired state swept');
    } catch (error) {
      this.logger.warn({ err: error }, 'sweeping expired state failed; will try again');
    }
  }
}
