// The key ring's background refresh: one tick at a time, unref'd so it never keeps the process alive.

/** Runs `tick` every `intervalSeconds`, skipping a beat rather than overlapping when a tick runs long. */
export class KeyRingTimer {
  private interval: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly intervalSeconds: number,
    private readonly onError: (error: unknown) => void,
    private readonly tick: () => Promise<void>,
  ) {}

  /** Starts the timer; a second call does nothing. */
  start(): void {
    if (this.interval !== undefined) return;
    this.interval = setInterval(() => this.runOnce(), this.intervalSeconds * 1000);
    this.interval.unref();
  }

  /** Stops the timer and resolves once a tick in progress has finished, so the store can be closed after it. */
  async stop(): Promise<void> {
    clearInterval(this.interval);
    this.interval = undefined;
    await this.running;
  }

  private runOnce(): void {
    if (this.running !== undefined) return;
    this.running = this.tick()
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.running = undefined;
      });
  }
}
