// The results: medians with their range, one table for the terminal and BENCHMARKS.md, and the JSON file.
import { readFileSync, writeFileSync } from 'node:fs';
import type { TargetResult } from './measure.js';
import type { TableWrites } from './postgres.js';
import type { ScenarioId } from './scenarios.js';
import type { TargetName } from './targets/target.js';

export interface ScenarioReport {
  readonly id: ScenarioId;
  readonly title: string;
  readonly results: readonly TargetResult[];
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  /** 1-minute load average when the benchmark started and when it ended: how much else the machine was doing. */
  readonly loadAverage: readonly [number, number];
}

export interface BenchReport {
  readonly date: string;
  readonly engine: 'sqlite' | 'postgres';
  /** `gatehouse serve --workers N` when set; one process otherwise. */
  readonly workers?: number | undefined;
  /** `--prefill ROWS`: the large deployment's rows Gatehouse's database held (bench/prefill.ts); absent or 0: none. */
  readonly prefillRows?: number | undefined;
  readonly machine: Machine;
  /** Wall-clock time of the whole invocation: starting servers, registering, preparing and measuring. */
  readonly elapsedSeconds: number;
  readonly settings: { readonly seconds: number; readonly runs: number; readonly concurrency: number; readonly warmupSeconds: number; readonly tokenPoolSize: number };
  /** argon2id hashes per CPU-second (and per second) of @node-rs/argon2 alone on the servers' core. */
  readonly argon2Limit: { readonly hashesPerSecond: number; readonly hashesPerCpuSecond: number } | undefined;
  readonly scenarios: readonly ScenarioReport[];
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
}

const resultOf = (scenario: ScenarioReport, target: TargetName): TargetResult | undefined => scenario.results.find((result) => result.target === target);
const of = (result: TargetResult | undefined, pick: (run: TargetResult['runs'][number]) => number): Spread | undefined =>
  result && result.runs.length > 0 ? spread(result.runs.map(pick)) : undefined;

function rate(value: Spread | undefined): string {
  if (!value) return '—';
  const round = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
  return value.min === value.max ? round(value.median) : `${round(value.median)} (${round(value.min)}–${round(value.max)})`;
}

const ms = (value: Spread | undefined): string => (value ? `${value.median.toFixed(1)} ms` : '—');

function errorsOf(result: TargetResult | undefined): string {
  if (!result) return '—';
  const errors = result.runs.reduce((sum, run) => sum + run.errors, 0);
  const exhausted = Math.max(0, ...result.runs.map((run) => run.exhaustedWorkers));
  return `${errors}${exhausted > 0 ? ` (${exhausted} workers ran out of material)` : ''}`;
}

/** The headline table: operations per CPU-second of the server process, Gatehouse against node-oidc-provider. */
export function headlineTable(report: BenchReport): string {
  const lines = [
    '| scenario | Gatehouse ops/CPU-s | node-oidc-provider ops/CPU-s | ratio | Gatehouse p99 | node-oidc-provider p99 | node:http ceiling ops/CPU-s |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const scenario of report.scenarios) {
    const gatehouse = of(resultOf(scenario, 'gatehouse'), (run) => run.opsPerCpuSecond);
    const provider = of(resultOf(scenario, 'node-oidc-provider'), (run) => run.opsPerCpuSecond);
    const ratio = gatehouse && provider && provider.median > 0 ? `${(gatehouse.median / provider.median).toFixed(2)}×` : '—';
    lines.push(`| ${scenario.id} ${scenario.title} | ${rate(gatehouse)} | ${rate(provider)} | ${ratio} | ${ms(of(resultOf(scenario, 'gatehouse'), (run) => run.p99Ms))} | ${ms(of(resultOf(scenario, 'node-oidc-provider'), (run) => run.p99Ms))} | ${rate(of(resultOf(scenario, 'node:http'), (run) => run.opsPerCpuSecond))} |`);
  }
  return lines.join('\n');
}

const totalWrites = (writes: TableWrites): number => Object.values(writes).reduce((sum, rows) => sum + rows.inserted + rows.updated + rows.deleted, 0);

/** What the database sees per operation, by table: inserted/updated/deleted rows (PostgreSQL statistics). */
export function writesTable(report: BenchReport): string | undefined {
  const lines = ['| scenario | table | inserted/op | updated/op | deleted/op |', '|---|---|---:|---:|---:|'];
  for (const scenario of report.scenarios) {
    const writes = resultOf(scenario, 'gatehouse')?.writesPerOp;
    for (const [table, rows] of Object.entries(writes ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`| ${scenario.id} | ${table} | ${rows.inserted.toFixed(2)} | ${rows.updated.toFixed(2)} | ${rows.deleted.toFixed(2)} |`);
    }
  }
  return lines.length > 2 ? lines.join('\n') : undefined;
}

/** The second table: wall-clock rate, latency, errors, memory and database writes, per scenario and server. */
export function detailTable(report: BenchReport): string {
  const lines = [
    '| scenario | server | ops/s (wall) | p50 | p99 | errors | peak RSS | rows written/op |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const scenario of report.scenarios) {
    for (const result of scenario.results) {
      const rss = Math.max(...result.runs.map((run) => run.rssPeakMiB));
      const writes = result.writesPerOp === undefined ? '—' : totalWrites(result.writesPerOp).toFixed(1);
      lines.push(`| ${scenario.id} | ${result.target} | ${rate(of(result, (run) => run.opsPerSecond))} | ${ms(of(result, (run) => run.p50Ms))} | ${ms(of(result, (run) => run.p99Ms))} | ${errorsOf(result)} | ${rss.toFixed(0)} MiB | ${writes} |`);
    }
  }
  return lines.join('\n');
}

/** S6 against what argon2 alone allows on one core: the share of the password-hash-bound limit each server reaches. */
export function passwordBoundNote(report: BenchReport): string | undefined {
  const limit = report.argon2Limit;
  const s6 = report.scenarios.find((scenario) => scenario.id === 'S6');
  if (!limit || !s6) return undefined;
  const shares = (['gatehouse', 'node-oidc-provider'] as const).flatMap((target) => {
    const perCpu = of(resultOf(s6, target), (run) => run.opsPerCpuSecond);
    return perCpu ? [`${target} ${((100 * perCpu.median) / limit.hashesPerCpuSecond).toFixed(0)}%`] : [];
  });
  return `Password-hash-bound limit: @node-rs/argon2 alone does ${limit.hashesPerCpuSecond.toFixed(1)} argon2id hashes per CPU-second on one core (${limit.hashesPerSecond.toFixed(1)}/s wall-clock); S6 logins per CPU-second reach ${shares.join(', ')} of it.`;
}

/** Where the workers ran: with no CPU to spare, the load generator shared the last of theirs. */
function workersNote(report: Pick<BenchReport, 'workers' | 'machine'>): string {
  const workers = report.workers;
  if (workers === undefined) return '';
  const shared = workers >= report.machine.cores ? `, the load generator sharing CPU ${workers - 1}` : '';
  return ` with ${workers} worker${workers === 1 ? '' : 's'} (\`gatehouse serve --workers ${workers}\`) on CPU${workers === 1 ? ' 0' : `s 0-${workers - 1}`}${shared}`;
}

function prefillNote(rows: number | undefined): string {
  if (rows === undefined || rows === 0) return '';
  const count = (value: number): string => Math.floor(value).toLocaleString('en-US');
  return `, its database prefilled with ${count(rows)} refresh tokens, ${count(rows)} authorization codes, ${count(rows / 5)} token families ` +
    `and ${count(rows / 10)} users with a session each (\`--prefill ${rows}\`)`;
}

/** When, on what machine (and how busy it was), and how Gatehouse ran: how every report starts. */
export function measuredOn(report: Pick<BenchReport, 'date' | 'machine' | 'engine' | 'workers' | 'prefillRows'>): string {
  return `Measured ${report.date} on ${report.machine.cpu} (${report.machine.cores} cores, load average ${report.machine.loadAverage.map((load) => load.toFixed(1)).join(' at start, ')} at end), ` +
    `Node.js ${report.machine.node}, Gatehouse on ${report.engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}${workersNote(report)}${prefillNote(report.prefillRows)}`;
}

export function renderSection(report: BenchReport): string {
  const note = passwordBoundNote(report);
  const writes = writesTable(report);
  return [
    `${measuredOn(report)}; ` +
      `${report.settings.runs} run${report.settings.runs === 1 ? '' : 's'} of ${report.settings.seconds} s after ${report.settings.warmupSeconds} s of warm-up, ${report.settings.concurrency} connections; ` +
      `the whole benchmark took ${(report.elapsedSeconds / 60).toFixed(0)} min. Median (range).`,
    '',
    headlineTable(report),
    '',
    ...(note ? [note, ''] : []),
    detailTable(report),
    ...(writes ? ['', 'Gatehouse on PostgreSQL, rows written per operation by table (pg_stat_user_tables deltas over the warm-up and every run):', '', writes] : []),
  ].join('\n');
}

export const SECTION_START = '<!-- bench-results:start (written by `npm run bench -- --write-benchmarks-md`) -->';
export const SECTION_END = '<!-- bench-results:end -->';

/** Replaces the results section of BENCHMARKS.md, keeping the rest of the file. */
export function writeBenchmarksMd(file: string, report: BenchReport): void {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(SECTION_START);
  const end = text.indexOf(SECTION_END);
  if (start < 0 || end < start) throw new Error(`${file} has no results section between ${SECTION_START} and ${SECTION_END}`);
  writeFileSync(file, `${text.slice(0, start + SECTION_START.length)}\n${renderSection(report)}\n${text.slice(end)}`);
}
