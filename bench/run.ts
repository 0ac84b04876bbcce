// `npm run bench`: Gatehouse, node-oidc-provider and a bare node:http ceiling, each started fresh per scenario and
// pinned to CPU 0, loaded from CPU 1 by a closed-loop generator; prints the table and writes the JSON results.
// `npm run bench -- --soak`: Gatehouse alone under the scenarios' operations mixed for minutes (bench/soak.ts).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureScenario, type TargetResult } from './measure.js';
import { parseOptions, UsageError, USAGE, type BenchOptions } from './options.js';
import { renderSection, writeBenchmarksMd, type BenchReport, type Machine, type ScenarioReport } from './report.js';
import { SCENARIOS, type Plan, type Scenario } from './scenarios.js';
import { soak } from './soak.js';
import { renderSoak, soakFailures, type SoakReport } from './soak-report.js';
import { startGatehouse } from './targets/gatehouse.js';
import { startHttpCeiling, startOidcProvider } from './targets/others.js';
import { LOAD_CPU, SERVER_CPU } from './targets/server-process.js';
import type { Target, TargetName } from './targets/target.js';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * Pins this process, every thread of it, to CPU 1 (`taskset -a -p`), so the load generator never competes with the
 * servers for CPU 0; threads started later inherit it.
 */
function pinSelfToLoadCpu(): void {
  execFileSync('taskset', ['-a', '-p', '-c', LOAD_CPU, String(process.pid)], { stdio: 'ignore' });
  const allowed = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  if (allowed !== LOAD_CPU) throw new Error(`could not pin the load generator to CPU ${LOAD_CPU} (allowed: ${allowed})`);
}

function checkMachine(options: BenchOptions): void {
  if (cpus().length < 2) throw new UsageError('the benchmark needs 2 CPUs: the servers run on CPU 0, the load generator on CPU 1');
  if (options.workers !== undefined && options.workers > cpus().length) {
    throw new UsageError(`--workers ${options.workers}: this machine has ${cpus().length} CPUs, one worker per CPU at most`);
  }
}

function machine(loadAtStart: number): Machine {
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
  return { cpu: model.trim(), cores: cpus().length, node: process.version, loadAverage: [loadAtStart, loadavg()[0] ?? 0] };
}

function measureArgon2Limit(): BenchReport['argon2Limit'] {
  const output = execFileSync('taskset', ['-c', SERVER_CPU, process.execPath, '--import', 'tsx', here('./argon2-limit.ts'), '3'], { encoding: 'utf8' });
  return JSON.parse(output.trim().split('\n').pop() ?? '{}') as BenchReport['argon2Limit'];
}

function startTarget(name: TargetName, scenario: Scenario, plan: Plan, options: BenchOptions): Promise<Target> {
  const material = scenario.material(plan);
  if (name === 'gatehouse') return startGatehouse({ engine: options.engine, postgresUrl: options.postgresUrl, label: scenario.id, material, workers: options.workers, prefillRows: options.prefillRows });
  return name === 'node-oidc-provider' ? startOidcProvider(material) : startHttpCeiling(material);
}

async function runScenario(scenario: Scenario, plan: Plan, options: BenchOptions): Promise<ScenarioReport> {
  const results: TargetResult[] = [];
  for (const name of options.targets) {
    progress(`${scenario.id} ${name}: starting and preparing`);
    const target = await startTarget(name, scenario, plan, options);
    try {
      results.push(await measureScenario(scenario, target, {
        plan, seconds: options.seconds, warmupSeconds: options.warmupSeconds, runs: options.runs,
        countWrites: scenario.countsWrites && name === 'gatehouse',
        onRun: (run, index) => progress(
          `${scenario.id} ${name} run ${index + 1}/${options.runs}: ${run.opsPerCpuSecond.toFixed(1)} ops/CPU-s, ${run.opsPerSecond.toFixed(1)} ops/s, ` +
          `p99 ${run.p99Ms.toFixed(1)} ms, errors ${run.errors}${run.firstError ? ` (first: ${run.firstError})` : ''}`),
      }));
    } finally {
      await target.stop();
    }
  }
  return { id: scenario.id, title: scenario.title, results };
}

const progress = (line: string): void => void process.stderr.write(`${line}\n`);

function writeResults(output: string, report: BenchReport | SoakReport): void {
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, `${JSON.stringify(report, null, 2)}\n`);
}

async function runBenchmark(options: BenchOptions, loadAtStart: number, started: number): Promise<void> {
  const scenarios = SCENARIOS.filter((scenario) => options.scenarios.includes(scenario.id));
  const argon2Limit = options.scenarios.includes('S6') ? measureArgon2Limit() : undefined;
  const windowSeconds = options.runs * options.seconds + options.warmupSeconds;
  const plan: Plan = {
    concurrency: options.concurrency,
    tokenPoolSize: options.tokenPoolSize,
    // No server logs anyone in faster than argon2 alone hashes on its one core (as busy as it is now); half more for safety.
    loginsNeeded: Math.ceil(windowSeconds * (argon2Limit?.hashesPerSecond ?? 50) * 1.5) + options.concurrency,
  };
  const reports: ScenarioReport[] = [];
  for (const scenario of scenarios) reports.push(await runScenario(scenario, plan, options));
  const report: BenchReport = {
    date: new Date().toISOString(), engine: options.engine, workers: options.workers, prefillRows: options.prefillRows, machine: machine(loadAtStart),
    settings: { seconds: options.seconds, runs: options.runs, concurrency: options.concurrency, warmupSeconds: options.warmupSeconds, tokenPoolSize: options.tokenPoolSize },
    elapsedSeconds: (performance.now() - started) / 1000, argon2Limit, scenarios: reports,
  };
  const output = options.output ?? here(`./results/${report.date.slice(0, 10)}-${options.engine}.json`);
  writeResults(output, report);
  process.stdout.write(`\n${renderSection(report)}\n\nResults: ${output}\n`);
  if (options.writeBenchmarksMd) {
    writeBenchmarksMd(here('../BENCHMARKS.md'), report);
    process.stdout.write('BENCHMARKS.md updated.\n');
  }
}

/** The soak's report and verdict; exit code 1 when it failed. */
async function runSoak(options: BenchOptions, seconds: number, loadAtStart: number, started: number): Promise<void> {
  const measurement = await soak({
    seconds, warmupSeconds: options.warmupSeconds,
    // No S6 in the mix: nobody logs in with a password.
    plan: { concurrency: options.concurrency, tokenPoolSize: options.tokenPoolSize, loginsNeeded: 0 },
    gatehouse: { engine: options.engine, postgresUrl: options.postgresUrl, workers: options.workers, prefillRows: options.prefillRows },
    progress,
  });
  const failures = soakFailures(measurement);
  const report: SoakReport = {
    date: new Date().toISOString(), engine: options.engine, workers: options.workers, prefillRows: options.prefillRows, machine: machine(loadAtStart),
    settings: { seconds, warmupSeconds: options.warmupSeconds, concurrency: options.concurrency, tokenPoolSize: options.tokenPoolSize },
    elapsedSeconds: (performance.now() - started) / 1000, ...measurement, failures, passed: failures.length === 0,
  };
  const output = options.output ?? here(`./results/${report.date.slice(0, 10)}-soak-${options.engine}.json`);
  writeResults(output, report);
  process.stdout.write(`\n${renderSoak(report)}\n\nResults: ${output}\n`);
  if (!report.passed) {
    process.stderr.write(`bench: soak failed: ${failures.join('; ')}\n`);
    process.exitCode = 1;
  }
}

async function main(options: BenchOptions): Promise<void> {
  checkMachine(options);
  pinSelfToLoadCpu();
  const loadAtStart = loadavg()[0] ?? 0;
  const started = performance.now();
  if (options.soakSeconds === undefined) await runBenchmark(options, loadAtStart, started);
  else await runSoak(options, options.soakSeconds, loadAtStart, started);
}

let options: BenchOptions;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
  process.exit(2);
}
try {
  await main(options);
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
}
