// The runner's command line: `npm run bench -- [options]`. Invalid options stop it with one line and exit code 2.
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
}

export const USAGE = `usage: npm run bench -- [--engine sqlite|postgres] [--postgres-url URL] [--workers N]
  [--scenarios ${SCENARIO_IDS.join(',')}] [--targets ${TARGET_NAMES.join(',')}]
  [--seconds 10] [--runs 3] [--concurrency 32] [--token-pool 2048] [--quick] [--output FILE] [--write-benchmarks-md]`;

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
        'write-benchmarks-md': { type: 'boolean' },
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
  return {
    engine,
    postgresUrl: values['postgres-url'] ?? DEFAULT_POSTGRES_URL,
    workers: values.workers === undefined ? undefined : positiveInteger('workers', values.workers, 1, 64),
    scenarios: list('scenarios', values.scenarios, SCENARIO_IDS),
    targets: list('targets', values.targets, TARGET_NAMES),
    seconds: positiveInteger('seconds', values.seconds, quick ? 3 : 10, 600),
    warmupSeconds: quick ? 1 : 2,
    runs: positiveInteger('runs', values.runs, quick ? 1 : 3, 20),
    concurrency: positiveInteger('concurrency', values.concurrency, 32, 1024),
    tokenPoolSize: positiveInteger('token-pool', values['token-pool'], quick ? 512 : 2048, 1_000_000),
    output: values.output,
    writeBenchmarksMd: values['write-benchmarks-md'] === true,
  };
}
