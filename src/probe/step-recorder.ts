// Runs the probe's steps one at a time: each timed, each ended at its timeout, the first failure recorded and final.
import { performance } from 'node:perf_hooks';
import { ProbeFailure, StepTimedOut, type FailureKind } from './probe-failure.js';

/** The steps of a run, in order. */
export const PROBE_STEPS = ['discovery', 'authorize', 'login', 'consent', 'redirect', 'token', 'id_token', 'userinfo', 'refresh', 'revocation'] as const;
export type ProbeStep = (typeof PROBE_STEPS)[number];

export type StepOutcome =
  | { readonly step: ProbeStep; readonly status: 'ok'; readonly durationMs: number }
  | { readonly step: ProbeStep; readonly status: 'skipped'; readonly reason: string }
  | { readonly step: ProbeStep; readonly status: 'failed'; readonly durationMs: number; readonly reason: string; readonly kind: FailureKind };

/** Thrown out of `run` after a failure is recorded, so the flow stops; never reported itself. */
export class ProbeStopped extends Error {
  override readonly name = 'ProbeStopped';
}

export class StepRecorder {
  readonly outcomes: StepOutcome[] = [];
  /** Values never to appear in a reason: the password, the client secret, and every code and token as it is learned. */
  private readonly secrets = new Set<string>();

  constructor(private readonly timeoutSeconds: number) {}

  /** Keeps `value` out of every reason recorded from now on. */
  conceal(value: string | undefined): void {
    if (value !== undefined && value !== '') this.secrets.add(value);
  }

  /** Runs `work` as `step`, aborting its requests at the timeout. @throws ProbeStopped once the failure is recorded */
  async run<T>(step: ProbeStep, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new StepTimedOut(this.timeoutSeconds)), this.timeoutSeconds * 1000);
    // Work that ignores the signal (a hung parse, a library call) still ends the step at the timeout.
    const timedOut = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error)));
    // The race's loser must not surface as an unhandled rejection once the step is over.
    timedOut.catch(() => undefined);
    const started = performance.now();
    try {
      const result = await Promise.race([work(controller.signal), timedOut]);
      this.outcomes.push({ step, status: 'ok', durationMs: performance.now() - started });
      return result;
    } catch (error) {
      const failure = error instanceof ProbeFailure ? error : new ProbeFailure(`unexpected error: ${error instanceof Error ? `${error.name}: ${error.message}` : 'unknown'}`);
      this.outcomes.push({ step, status: 'failed', durationMs: performance.now() - started, reason: this.scrub(failure.message), kind: failure.kind });
      throw new ProbeStopped(step, { cause: error });
    } finally {
      clearTimeout(timer);
      // Ends whatever the step left running (a body not read to its end).
      controller.abort();
    }
  }

  skip(step: ProbeStep, reason: string): void {
    this.outcomes.push({ step, status: 'skipped', reason });
  }

  private scrub(reason: string): string {
    let safe = reason;
    for (const secret of this.secrets) safe = safe.split(secret).join('[redacted]');
    return safe;
  }
}
