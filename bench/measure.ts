// One scenario against one freshly started server: prepare, warm up, measure each window with the server's CPU time
// and peak memory, and (PostgreSQL) the rows it wrote per operation.
import { LoopbackHttp } from './http.js';
import { runClosedLoop, type LoadWindow } from './load.js';
import { writesPerOperation, type TableWrites } from './postgres.js';
import { cpuSeconds, sampleRssPeak } from './proc.js';
import { discoverEndpoints, Protocol } from './protocol.js';
import type { Plan, PreparationContext, Scenario } from './scenarios.js';
import type { Target } from './targets/target.js';

export interface RunResult {
  readonly completed: number;
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly exhaustedWorkers: number;
  readonly seconds: number;
  readonly serverCpuSeconds: number;
  readonly opsPerSecond: number;
  readonly opsPerCpuSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly rssPeakMiB: number;
}

export interface TargetResult {
  readonly target: Target['name'];
  readonly runs: readonly RunResult[];
  /** Rows written per operation, by table (PostgreSQL only). */
  readonly writesPerOp: TableWrites | undefined;
}

async function measureWindow(target: Target, window: () => Promise<LoadWindow>): Promise<RunResult> {
  const pid = target.process().pid;
  const stopSampling = sampleRssPeak(pid);
  const cpuBefore = cpuSeconds(pid);
  const load = await window();
  const serverCpuSeconds = cpuSeconds(pid) - cpuBefore;
  return {
    completed: load.completed, errors: load.errors, firstError: load.firstError, exhaustedWorkers: load.exhaustedWorkers,
    seconds: load.seconds, serverCpuSeconds,
    opsPerSecond: load.completed / load.seconds,
    opsPerCpuSecond: serverCpuSeconds > 0 ? load.completed / serverCpuSeconds : 0,
    p50Ms: load.p50Ms, p99Ms: load.p99Ms, rssPeakMiB: stopSampling(),
  };
}

export interface MeasureSettings {
  readonly plan: Plan;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly runs: number;
  readonly countWrites: boolean;
  readonly onRun: (run: RunResult, index: number) => void;
}

/** What a scenario's preparation works with on `target`: the protocol at the endpoints its discovery document names. */
export async function preparationContext(target: Target, http: LoopbackHttp, plan: Plan): Promise<PreparationContext> {
  return { protocol: new Protocol(http, await discoverEndpoints(http)), http, plan, target: target.name };
}

export async function measureScenario(scenario: Scenario, target: Target, settings: MeasureSettings): Promise<TargetResult> {
  const { concurrency } = settings.plan;
  const http = new LoopbackHttp(target.baseUrl, concurrency);
  try {
    const operation = await scenario.prepare(await preparationContext(target, http, settings.plan));
    // PostgreSQL counts a backend's writes when it ends or idles: restart so preparation is counted, and nothing else.
    const counting = settings.countWrites && (await target.tableWrites()) !== undefined;
    if (counting) await target.restart();
    const writesBefore = counting ? await target.tableWrites() : undefined;
    const warmup = await runClosedLoop(operation, concurrency, settings.warmupSeconds);
    const runs: RunResult[] = [];
    for (let index = 0; index < settings.runs; index += 1) {
      const run = await measureWindow(target, () => runClosedLoop(operation, concurrency, settings.seconds));
      settings.onRun(run, index);
      runs.push(run);
    }
    let writesPerOp: TableWrites | undefined;
    if (writesBefore !== undefined) {
      await target.process().stop();
      const operations = warmup.completed + runs.reduce((sum, run) => sum + run.completed, 0);
      writesPerOp = writesPerOperation(writesBefore, (await target.tableWrites()) ?? writesBefore, Math.max(1, operations));
    }
    return { target: target.name, runs, writesPerOp };
  } finally {
    await http.close();
  }
}
