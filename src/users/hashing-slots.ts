// A cap on concurrent password hashes: argon2 runs on the libuv thread pool, so a burst of logins waits briefly for a
// slot and is then turned away (SECURITY.md: passwords), instead of piling up behind the pool with no bound on delay.

/** No hashing slot came free within the wait. Not a failed login: the person is asked to retry after `retryAfter` s. */
export class HashingBusy extends Error {
  constructor(readonly retryAfter: number) {
    super('no password hashing slot came free in time');
    this.name = 'HashingBusy';
  }
}

/** At most `capacity` hashes at once; a caller waits up to `queueTimeout` milliseconds for a slot, first come first served. */
export class HashingSlots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly capacity: number,
    private readonly queueTimeout: number,
  ) {}

  /**
   * Runs `hashing` in a slot and frees the slot when it settles.
   * @throws HashingBusy when no slot comes free within the queue timeout (at the next turn of the event loop when it is 0).
   */
  async run<T>(hashing: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await hashing();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.capacity) {
      this.running += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(grant), 1);
        reject(this.busy());
      }, this.queueTimeout);
      this.waiting.push(grant);
    });
  }

  /** A freed slot passes straight to the longest waiter, so `running` never dips below the cap while some wait. */
  private release(): void {
    const next = this.waiting.shift();
    if (next === undefined) this.running -= 1;
    else next();
  }

  /** Retry after about as long as a login would have waited here, at least a second. */
  private busy(): HashingBusy {
    return new HashingBusy(Math.max(1, Math.ceil(this.queueTimeout / 1000)));
  }
}
