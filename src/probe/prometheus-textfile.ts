// The probe's result for node_exporter's textfile collector: Prometheus text format, written so the collector never
// reads half a file (a temporary file in the same folder, renamed over the target).
import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { totalDurationMs } from './probe-report.js';
import type { ProbeResult } from './run-probe.js';

const seconds = (ms: number): string => String(Math.round(ms) / 1000);

function gauge(name: string, help: string, samples: ReadonlyArray<readonly [labels: string, value: string]>): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, ...samples.map(([labels, value]) => `${name}${labels} ${value}`)];
}

/** Step names are a fixed list, so labels never need escaping and cardinality stays at ten. */
export function renderProbeMetrics(result: ProbeResult): string {
  const ran = result.steps.filter((outcome) => outcome.status !== 'skipped');
  const lines = [
    ...gauge('gatehouse_probe_success', 'Whether the last synthetic login probe passed every step (1) or not (0).', [['', result.success ? '1' : '0']]),
    ...gauge('gatehouse_probe_duration_seconds', 'How long the last probe took, its steps together.', [['', seconds(totalDurationMs(result))]]),
    ...gauge(
      'gatehouse_probe_step_duration_seconds',
      'How long each step of the last probe took; a step not reached or skipped has no sample.',
      ran.map((outcome) => [`{step="${outcome.step}"}`, seconds(outcome.durationMs)]),
    ),
    ...gauge(
      'gatehouse_probe_step_success',
      'Whether each step of the last probe passed (1) or failed (0); a step not reached or skipped has no sample.',
      ran.map((outcome) => [`{step="${outcome.step}"}`, outcome.status === 'ok' ? '1' : '0']),
    ),
    ...gauge('gatehouse_probe_last_run_timestamp_seconds', 'When the last probe started, in seconds since the epoch.', [['', String(Math.floor(result.startedAt))]]),
  ];
  return `${lines.join('\n')}\n`;
}

/** Writes `text` to `path` atomically: the collector reads only `*.prom` files, so the temporary name is never read. */
export async function writeTextfile(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, text, { mode: 0o644, flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
