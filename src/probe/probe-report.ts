// A probe result for people (one line per step) and for tools (JSON), and the exit code it maps to.
import type { ProbeResult } from './run-probe.js';
import type { StepOutcome } from './step-recorder.js';

/** 0 every step passed; 1 a step failed (the issuer answered wrongly); 3 the issuer could not be reached or a step timed out. */
export const PROBE_EXIT = { passed: 0, failed: 1, unreachable: 3 } as const;

/** Room for "99999 ms" and a space, so the outcomes line up. */
const LATENCY_WIDTH = 9;
const roundMs = (ms: number): number => Math.round(ms * 10) / 10;

export function failedStepOf(result: ProbeResult): Extract<StepOutcome, { status: 'failed' }> | undefined {
  return result.steps.find((outcome) => outcome.status === 'failed');
}

export function totalDurationMs(result: ProbeResult): number {
  return result.steps.reduce((total, outcome) => total + (outcome.status === 'skipped' ? 0 : outcome.durationMs), 0);
}

export function probeExitCode(result: ProbeResult): (typeof PROBE_EXIT)[keyof typeof PROBE_EXIT] {
  const failed = failedStepOf(result);
  if (failed === undefined) return PROBE_EXIT.passed;
  return failed.kind === 'unreachable' ? PROBE_EXIT.unreachable : PROBE_EXIT.failed;
}

/** "login        41 ms  ok", then a summary line. */
export function describeProbe(result: ProbeResult): string[] {
  const width = Math.max(...result.steps.map((outcome) => outcome.step.length));
  const lines = result.steps.map((outcome) => {
    const name = outcome.step.padEnd(width);
    if (outcome.status === 'skipped') return `${name} ${'-'.padStart(LATENCY_WIDTH)}  skipped: ${outcome.reason}`;
    const latency = `${Math.round(outcome.durationMs)} ms`.padStart(LATENCY_WIDTH);
    return `${name} ${latency}  ${outcome.status === 'ok' ? 'ok' : `FAILED: ${outcome.reason}`}`;
  });
  const failed = failedStepOf(result);
  const total = Math.round(totalDurationMs(result));
  lines.push(failed === undefined ? `probe of ${result.issuer} passed in ${total} ms` : `probe of ${result.issuer} failed at step ${failed.step}`);
  return lines;
}

export function toProbeJson(result: ProbeResult): Record<string, unknown> {
  const failed = failedStepOf(result);
  return {
    issuer: result.issuer,
    success: result.success,
    failed_step: failed?.step ?? null,
    reason: failed?.reason ?? null,
    started_at: Math.floor(result.startedAt),
    duration_ms: roundMs(totalDurationMs(result)),
    steps: result.steps.map((outcome) => {
      if (outcome.status === 'skipped') return { step: outcome.step, status: outcome.status, reason: outcome.reason };
      const timed = { step: outcome.step, status: outcome.status, duration_ms: roundMs(outcome.durationMs) };
      return outcome.status === 'ok' ? timed : { ...timed, reason: outcome.reason };
    }),
  };
}
