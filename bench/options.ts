// The runner's command line: `npm run bench -- [options]`, or `npm run bench -- --soak [options]` for the soak.
// Invalid options stop it with one line and exit code 2.
import { parseArgs } from 'node:util';
import { DEFAULT_POSTGRES_URL } from './postgres.js';
import { SCENARIO_IDS, type ScenarioId } from './scenarios.js';
import type { TargetName } from './targets/target.js';

export const TARGET_NAMES: readonly TargetName[] = ['gatehouse', 'node-oidc-provider', 'node:http'];

export interface BenchOptions {
  readonly engine: 'sqlite' | 'postgres';
  readonly postgresUrl: string;
  readonly workers: number | undefined;
  readonly scenarios: readonly ScenarioId[];
  readonly targets: readonly TargetName[];
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly runs: number;
  readonly concurrency: number;
  readonly tokenPoolSize: number;
  readonly output: string | undefined;
  readonly writeBenchmarksMd: boolean;
  /** Set: the soak (Gatehouse under the scenarios' operations mixed, for this many seconds, warm-up included). */
  readonly soakSeconds: number | undefined;
  /** Rows of a large deployment put in Gatehouse's database before it starts (bench/prefill.ts); 0: none. */
  readonly prefillRows: number;
}

export const USAGE = `usage: npm run bench -- [--engine sqlite|postgres] [--postgres-url URL] [--workers N] [--prefill ROWS]
  [--scenarios ${SCENARIO_IDS.join(',')}] [--targets ${TARGET_NAMES.join(',')}]
  [--seconds 10] [--runs 3] [--warmup-seconds 2] [--concurrency 32] [--token-pool 2048] [--quick] [--output FILE] [--write-benchmarks-md]
       npm run bench -- --soak [--soak-seconds 300] [--warmup-seconds 30] [--engine sqlite|postgres] [--postgres-url URL]
  [--workers N] [--prefill ROWS] [--concurrency 32] [--token-pool 2048] [--output FILE]`;

/**
 * The soak's access tokens for S4 and S5 are prepared before it starts and live 600 s (Gatehouse's default
 * `tokens.accessTokenTtl`): a longer soak would end on expired tokens, not on anything it means to measure.
 */
const MAX_SOAK_SECONDS = 480;
/** A warm-up followed by a baseline window and an end window of at least a second each. */
const MIN_SOAK_SECONDS_AFTER_WARMUP = 2;
/** Ten million refresh tokens: about 7 GB of SQLite, and several minutes to write before each start. */
const MAX_PREFILL_ROWS = 10_000_000;
/** Options of the side-by-side benchmark that mean nothing to the soak, which runs its own mix for its own time. */
const BENCHMARK_ONLY_OPTIONS = ['scenarios', 'seconds', 'runs', 'quick', 'write-benchmarks-md'] as const;

export class UsageError extends Error {}

function positiveInteger(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max) throw new UsageError(`--${name}: expected a whole number 1-${max}, got "${value}"`);
  return number;
}

function list<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): readonly T[] {
  if (value === undefined) return allowed;
  const items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  const unknown = items.filter((item) => !(allowed as readonly string[]).includes(item));
  if (unknown.length > 0 || items.length === 0) throw new UsageError(`--${name}: expected some of ${allowed.join(', ')}, got "${value}"`);
  return allowed.filter((item) => items.includes(item));
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        engine: { type: 'string' }, 'postgres-url': { type: 'string' }, workers: { type: 'string' },
        scenarios: { type: 'string' }, targets: { type: 'string' }, seconds: { type: 'string' }, runs: { type: 'string' },
        concurrency: { type: 'string' }, 'token-pool': { type: 'string' }, quick: { type: 'boolean' }, output: { type: 'string' },
        'write-benchmarks-md': { type: 'boolean' }, 'warmup-seconds': { type: 'string' },
        soak: { type: 'boolean' }, 'soak-seconds': { type: 'string' }, prefill: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const engine = values.engine ?? 'sqlite';
  if (engine !== 'sqlite' && engine !== 'postgres') throw new UsageError(`--engine: expected sqlite or postgres, got "${engine}"`);
  const quick = values.quick === true;
  const soak = values.soak === true;
  const targets = list('targets', values.targets, TARGET_NAMES);
  if (soak) checkSoakOptions(values, targets);
  else if (values['soak-seconds'] !== undefined) throw new UsageError('--soak-seconds: only with --soak');
  const prefillRows = values.prefill === undefined ? 0 : positiveInteger('prefill', values.prefill, 0, MAX_PREFILL_ROWS);
  const measured: readonly TargetName[] = soak ? ['gatehouse'] : targets;
  if (prefillRows > 0 && measured.some((target) => target !== 'gatehouse')) {
    throw new UsageError('--prefill: fills Gatehouse\'s database only, so it takes --targets gatehouse');
  }
  const warmupSeconds = positiveInteger('warmup-seconds', values['warmup-seconds'], soak ? 30 : quick ? 1 : 2, 600);
  return {
    engine,
    postgresUrl: values['postgres-url'] ?? DEFAULT_POSTGRES_URL,
    workers: values.workers === undefined ? undefined : positiveInteger('workers', values.workers, 1, 64),
    scenarios: list('scenarios', values.scenarios, SCENARIO_IDS),
    targets: measured,
    seconds: positiveInteger('seconds', values.seconds, quick ? 3 : 10, 600),
    warmupSeconds,
    runs: positiveInteger('runs', values.runs, quick ? 1 : 3, 20),
    concurrency: positiveInteger('concurrency', values.concurrency, 32, 1024),
    tokenPoolSize: positiveInteger('token-pool', values['token-pool'], quick ? 512 : 2048, 1_000_000),
    output: values.output,
    writeBenchmarksMd: values['write-benchmarks-md'] === true,
    soakSeconds: soak ? soakSeconds(values['soak-seconds'], warmupSeconds) : undefined,
    prefillRows,
  };
}

function checkSoakOptions(values: Readonly<Record<string, string | boolean | undefined>>, targets: readonly TargetName[]): void {
  if (values.targets !== undefined && (targets.length !== 1 || targets[0] !== 'gatehouse')) {
    throw new UsageError(`--soak runs Gatehouse only, not --targets ${String(values.targets)}`);
  }
  const misplaced = BENCHMARK_ONLY_OPTIONS.find((name) => values[name] !== undefined);
  if (misplaced !== undefined) throw new UsageError(`--soak: --${misplaced} applies to the side-by-side benchmark, not the soak`);
}

function soakSeconds(value: string | undefined, warmupSeconds: number): number {
  const seconds = positiveInteger('soak-seconds', value, 300, MAX_SOAK_SECONDS);
  if (seconds < warmupSeconds + MIN_SOAK_SECONDS_AFTER_WARMUP) {
    throw new UsageError(`--soak-seconds ${seconds}: at least ${MIN_SOAK_SECONDS_AFTER_WARMUP} s longer than the ${warmupSeconds} s warm-up`);
  }
  return seconds;
}
