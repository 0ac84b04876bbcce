// The soak's verdict and its report: the JSON results and a short table for the terminal.
import { measuredOn, type BenchReport } from './report.js';
import type { SoakMeasurement } from './soak.js';

/** The soak fails when resident memory grows this much or more from the baseline to the end. */
export const RSS_GROWTH_LIMIT_PERCENT = 10;

export interface SoakReport extends SoakMeasurement, Pick<BenchReport, 'date' | 'engine' | 'workers' | 'prefillRows' | 'machine' | 'elapsedSeconds'> {
  readonly settings: { readonly seconds: number; readonly warmupSeconds: number; readonly concurrency: number; readonly tokenPoolSize: number };
  /** Each condition the soak failed, in a line; none when it passed. */
  readonly failures: readonly string[];
  readonly passed: boolean;
}

const errorCount = (measurement: SoakMeasurement): number => measurement.scenarios.reduce((sum, scenario) => sum + scenario.errors, 0);
const percent = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(1)}%`;
const mib = (value: number): string => `${value.toFixed(1)} MiB`;

/** The pass conditions: memory grew less than the limit, no answer was a 5xx, no operation failed. */
export function soakFailures(measurement: SoakMeasurement): string[] {
  const failures: string[] = [];
  const { growthPercent } = measurement.rss;
  if (!(growthPercent < RSS_GROWTH_LIMIT_PERCENT)) failures.push(`RSS grew ${percent(growthPercent)} from baseline to end, the limit is under ${RSS_GROWTH_LIMIT_PERCENT}%`);
  if (measurement.answers5xx > 0) failures.push(`${measurement.answers5xx} answers were 5xx`);
  const errors = errorCount(measurement);
  if (errors > 0) failures.push(`${errors} operations failed`);
  return failures;
}

function rssTable({ rss, settings }: SoakReport): string {
  const baseline = `${settings.warmupSeconds}–${settings.warmupSeconds + rss.windowSeconds} s`;
  const end = `${settings.seconds - rss.windowSeconds}–${settings.seconds} s`;
  return [
    `| RSS baseline (median ${baseline}) | RSS end (median ${end}) | peak RSS | growth |`,
    '|---:|---:|---:|---:|',
    `| ${mib(rss.baselineMiB)} | ${mib(rss.endMiB)} | ${mib(rss.peakMiB)} | ${percent(rss.growthPercent)} |`,
  ].join('\n');
}

function operationsTable(report: SoakReport): string {
  const completed = report.scenarios.reduce((sum, scenario) => sum + scenario.completed, 0);
  return [
    '| scenario | completed | errors |',
    '|---|---:|---:|',
    ...report.scenarios.map((scenario) => `| ${scenario.id} ${scenario.title} | ${scenario.completed} | ${scenario.errors} |`),
    `| all | ${completed} | ${errorCount(report)} |`,
    '',
    `${(completed / report.seconds).toFixed(1)} operations/s, ${(completed / report.serverCpuSeconds).toFixed(1)} per server CPU-second; ` +
      `p50 ${report.p50Ms.toFixed(1)} ms, p99 ${report.p99Ms.toFixed(1)} ms.`,
  ].join('\n');
}

function statusesLine({ answersByStatus, answers5xx }: SoakReport): string {
  const statuses = Object.entries(answersByStatus).map(([status, count]) => `${status} ×${count}`).join(', ');
  return `Answers by status: ${statuses || 'none'}; 5xx: ${answers5xx}.`;
}

function errorLines(errorsByKind: SoakReport['errorsByKind']): string[] {
  const kinds = Object.entries(errorsByKind).sort(([, a], [, b]) => b - a);
  return kinds.length === 0 ? ['Errors: none.'] : ['Errors by kind:', ...kinds.map(([kind, count]) => `- ${count} × ${kind}`)];
}

export function renderSoak(report: SoakReport): string {
  return [
    `${measuredOn(report)}; soak of ${report.settings.seconds} s (${report.settings.warmupSeconds} s of warm-up), ` +
      `${report.scenarios.map((scenario) => scenario.id).join(', ')} mixed, ${report.settings.concurrency} connections; RSS sampled every second.`,
    '',
    rssTable(report),
    '',
    operationsTable(report),
    '',
    statusesLine(report),
    ...errorLines(report.errorsByKind),
    '',
    report.passed
      ? `Soak passed: RSS grew ${percent(report.rss.growthPercent)} (under ${RSS_GROWTH_LIMIT_PERCENT}%), no 5xx answers, no errors.`
      : `Soak failed: ${report.failures.join('; ')}.`,
  ].join('\n');
}
