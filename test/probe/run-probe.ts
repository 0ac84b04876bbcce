// Runs `gatehouse probe` as a real process: the password and client secret through the environment, as cron would.
import assert from 'node:assert/strict';
import { runCli, type CliResult } from '../cli/run-cli.js';

export interface ProbeRun {
  readonly args: readonly string[];
  readonly password?: string;
  readonly clientSecret?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Piped to stdin (for --password-stdin). */
  readonly input?: string;
  readonly cwd: string;
}

export function runProbeCommand(run: ProbeRun): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...run.env };
  if (run.password !== undefined) env.GATEHOUSE_PROBE_PASSWORD = run.password;
  if (run.clientSecret !== undefined) env.GATEHOUSE_PROBE_CLIENT_SECRET = run.clientSecret;
  return runCli(['probe', ...run.args], { env, cwd: run.cwd, input: run.input });
}

/** The step lines of a text report: step name to what followed its latency ("ok", "FAILED: ...", "skipped: ..."). */
export function stepLines(stdout: string): Map<string, string> {
  const steps = new Map<string, string>();
  for (const match of stdout.matchAll(/^(\w+) +(?:\d+ ms|-) +(.+)$/gm)) steps.set(match[1]!, match[2]!);
  return steps;
}

/** A failed probe: its step lines on stdout, one `gatehouse: probe failed at step ...` line on stderr, the exit code. */
export function assertFailedAt(result: CliResult, step: string, exitCode: number, reason: RegExp): void {
  const context = `exit ${result.code}\nstdout ${result.stdout}\nstderr ${result.stderr}`;
  assert.equal(result.code, exitCode, context);
  assert.match(result.stderr, new RegExp(`^gatehouse: probe failed at step ${step}: [^\\n]+\\n$`), context);
  assert.match(result.stderr, reason, context);
  assert.match(stepLines(result.stdout).get(step) ?? '', /^FAILED: /, context);
}

/** No secret of the run appears anywhere in what the probe printed. */
export function assertNothingLeaked(result: CliResult, secrets: ReadonlyArray<string | null | undefined>): void {
  for (const secret of secrets) {
    if (secret === null || secret === undefined) continue;
    assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), 'a secret reached the output');
  }
}
