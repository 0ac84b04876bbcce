// When the primary replaces a worker that exited: after a growing delay, and not at all once workers crash in a loop.

export interface RestartLimits {
  /** Exits within `windowMs` that count as a crash loop: the primary then gives up. */
  readonly crashes: number;
  readonly windowMs: number;
  /** Delay before replacing the first worker to exit in a window; doubled for each exit before it in the window. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

/** For `workers` workers: a crash loop is every worker dying twice within a minute, and never fewer than 5 exits. */
export function restartLimitsFor(workers: number): RestartLimits {
  return { crashes: Math.max(5, 2 * workers), windowMs: 60_000, firstDelayMs: 100, maxDelayMs: 10_000 };
}

/** Decides, exit by exit, how long to wait before a replacement, or that the workers are crash-looping. */
export class RestartPolicy {
  private exits: number[] = [];

  constructor(private readonly limits: RestartLimits) {}

  /** Records an exit at `nowMs`; returns the delay before forking a replacement, or undefined when it is time to give up. */
  delayAfterExit(nowMs: number): number | undefined {
    this.exits = [...this.exits.filter((at) => nowMs - at < this.limits.windowMs), nowMs];
    if (this.exits.length >= this.limits.crashes) return undefined;
    return Math.min(this.limits.firstDelayMs * 2 ** (this.exits.length - 1), this.limits.maxDelayMs);
  }

  /** Exits counted in the current window, for the log line of giving up. */
  recentExits(): number {
    return this.exits.length;
  }
}
