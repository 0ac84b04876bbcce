// The soak (`npm run bench -- --soak`): one Gatehouse serving the operations of S1 to S5 mixed, under the closed-loop
// load for minutes, its resident memory sampled every second and the status of every answer counted. It asks what
// the side-by-side runs of seconds cannot: does memory keep growing under steady load, and does anything fail.
import { LoopbackHttp } from './http.js';
import { runClosedLoop, type Operation } from './load.js';
import { combinedMaterial } from './material.js';
import { preparationContext } from './measure.js';
import { cpuSeconds, peakMiB, sampleRss, type RssSample } from './proc.js';
import { spread } from './report.js';
import { SCENARIOS, type Plan, type Scenario, type ScenarioId } from './scenarios.js';
import { startGatehouse, type GatehouseOptions } from './targets/gatehouse.js';
import type { Target } from './targets/target.js';

/**
 * Every scenario whose material lasts however long the soak: S6 needs a person and client pair never consented
 * before for each login. S3-RS256 would add nothing S3 does not exercise but the signing algorithm.
 */
const SOAK_SCENARIO_IDS: readonly ScenarioId[] = ['S1', 'S2', 'S3', 'S4', 'S5'];
const SAMPLE_INTERVAL_MS = 1000;
const PROGRESS_EVERY_SECONDS = 10;
/**
 * Baseline and end are medians of this many seconds of samples (fewer when the soak is too short for two such
 * windows after its warm-up): one sample may fall just before or just after a garbage collection.
 */
const RSS_WINDOW_SECONDS = 30;
/** Distinct error messages kept apart; any more are counted together, so messages carrying ids cannot flood the report. */
const MAX_ERROR_KINDS = 20;
const OTHER_ERROR_KINDS = '(other messages)';

export interface SoakSettings {
  /** How long the load runs, warm-up included. */
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly plan: Plan;
  readonly gatehouse: Omit<GatehouseOptions, 'label' | 'material'>;
  readonly progress: (line: string) => void;
}

export interface SoakScenarioResult {
  readonly id: ScenarioId;
  readonly title: string;
  readonly completed: number;
  readonly errors: number;
}

export interface RssGrowth {
  /** Length of the two windows the medians are taken over. */
  readonly windowSeconds: number;
  /** Median of the samples in the window that starts when the warm-up ends. */
  readonly baselineMiB: number;
  /** Median of the samples in the window that ends with the load. */
  readonly endMiB: number;
  /** Largest sample, warm-up included. */
  readonly peakMiB: number;
  readonly growthPercent: number;
  readonly samples: readonly RssSample[];
}

export interface SoakMeasurement {
  /** Wall-clock time the load ran (the last operations may end a little after the deadline). */
  readonly seconds: number;
  readonly serverCpuSeconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly rss: RssGrowth;
  readonly scenarios: readonly SoakScenarioResult[];
  /** Failed operations by scenario and message. */
  readonly errorsByKind: Readonly<Record<string, number>>;
  /** Every answer of the soak (not of its preparation), by HTTP status. */
  readonly answersByStatus: Readonly<Record<string, number>>;
  readonly answers5xx: number;
}

const increment = <K>(counts: Map<K, number>, key: K): void => void counts.set(key, (counts.get(key) ?? 0) + 1);
const total = (counts: ReadonlyMap<unknown, number>): number => [...counts.values()].reduce((sum, count) => sum + count, 0);

/** What the soak counts as it goes: operations completed and failed by scenario, errors by message, answers by status. */
class SoakTally {
  readonly completed = new Map<ScenarioId, number>();
  readonly failed = new Map<ScenarioId, number>();
  readonly errorKinds = new Map<string, number>();
  readonly statuses = new Map<number, number>();

  answered(status: number): void {
    increment(this.statuses, status);
  }

  succeeded(id: ScenarioId): void {
    increment(this.completed, id);
  }

  erred(id: ScenarioId, error: unknown): void {
    increment(this.failed, id);
    const kind = `${id}: ${error instanceof Error ? error.message : String(error)}`;
    increment(this.errorKinds, this.errorKinds.has(kind) || this.errorKinds.size < MAX_ERROR_KINDS ? kind : OTHER_ERROR_KINDS);
  }

  answers5xx(): number {
    return [...this.statuses].reduce((sum, [status, count]) => (status >= 500 ? sum + count : sum), 0);
  }

  clear(): void {
    for (const counts of [this.completed, this.failed, this.errorKinds, this.statuses]) counts.clear();
  }
}

interface PreparedOperation {
  readonly scenario: Scenario;
  readonly operation: Operation;
}

/**
 * Each worker takes the scenarios' operations in turn, starting at its own place in the cycle, so every moment of the
 * soak has all of them in flight. An operation that throws is tallied and thrown on, for the load generator to count
 * (or, if its material ran out, to stop that worker, which the tally shows as an error: the soak needs every worker).
 */
function mixedOperation(operations: readonly PreparedOperation[], tally: SoakTally): Operation {
  const turns: number[] = [];
  return async (worker) => {
    const turn = turns[worker] ?? worker;
    turns[worker] = turn + 1;
    const { scenario, operation } = operations[turn % operations.length]!;
    try {
      await operation(worker);
      tally.succeeded(scenario.id);
    } catch (error) {
      tally.erred(scenario.id, error);
      throw error;
    }
  };
}

function medianMiB(samples: readonly RssSample[], fromSecond: number, toSecond: number): number {
  const inWindow = samples.filter((sample) => sample.second >= fromSecond && sample.second < toSecond).map((sample) => sample.mib);
  if (inWindow.length === 0) throw new Error(`no RSS sample between ${fromSecond} s and ${toSecond} s of the soak`);
  return spread(inWindow).median;
}

/** Baseline: the window right after the warm-up; end: the window that closes the soak. */
export function rssGrowth(samples: readonly RssSample[], warmupSeconds: number, seconds: number): RssGrowth {
  const windowSeconds = Math.min(RSS_WINDOW_SECONDS, Math.floor((seconds - warmupSeconds) / 2));
  const baselineMiB = medianMiB(samples, warmupSeconds, warmupSeconds + windowSeconds);
  const endMiB = medianMiB(samples, seconds - windowSeconds, seconds);
  return { windowSeconds, baselineMiB, endMiB, peakMiB: peakMiB(samples), growthPercent: (100 * (endMiB - baselineMiB)) / baselineMiB, samples };
}

async function prepareAll(scenarios: readonly Scenario[], target: Target, http: LoopbackHttp, settings: SoakSettings): Promise<PreparedOperation[]> {
  const context = await preparationContext(target, http, settings.plan);
  const operations: PreparedOperation[] = [];
  // One at a time, in the order of SCENARIOS: S4's and S5's access tokens, which expire, are prepared last.
  for (const scenario of scenarios) {
    settings.progress(`soak: preparing ${scenario.id}`);
    operations.push({ scenario, operation: await scenario.prepare(context) });
  }
  return operations;
}

function progressLine(sample: RssSample, tally: SoakTally, settings: SoakSettings): string {
  const phase = sample.second < settings.warmupSeconds ? ' (warm-up)' : '';
  return `soak ${sample.second.toFixed(0)}/${settings.seconds} s${phase}: RSS ${sample.mib.toFixed(1)} MiB, ` +
    `${total(tally.completed)} operations, ${total(tally.failed)} errors, ${tally.answers5xx()} answers 5xx`;
}

async function loadAndSample(target: Target, operations: readonly PreparedOperation[], tally: SoakTally, settings: SoakSettings): Promise<SoakMeasurement> {
  const pid = target.process().pid;
  let nextProgress = 0;
  const stopSampling = sampleRss(pid, SAMPLE_INTERVAL_MS, (sample) => {
    if (sample.second < nextProgress) return;
    nextProgress += PROGRESS_EVERY_SECONDS;
    settings.progress(progressLine(sample, tally, settings));
  });
  const cpuBefore = cpuSeconds(pid);
  const load = await runClosedLoop(mixedOperation(operations, tally), settings.plan.concurrency, settings.seconds);
  const serverCpuSeconds = cpuSeconds(pid) - cpuBefore;
  const samples = stopSampling();
  return {
    seconds: load.seconds, serverCpuSeconds, p50Ms: load.p50Ms, p99Ms: load.p99Ms,
    rss: rssGrowth(samples, settings.warmupSeconds, settings.seconds),
    scenarios: operations.map(({ scenario: { id, title } }) => ({ id, title, completed: tally.completed.get(id) ?? 0, errors: tally.failed.get(id) ?? 0 })),
    errorsByKind: Object.fromEntries(tally.errorKinds),
    answersByStatus: Object.fromEntries(tally.statuses),
    answers5xx: tally.answers5xx(),
  };
}

/** Starts Gatehouse with every soak scenario's material registered, prepares them all, and runs the mixed load. */
export async function soak(settings: SoakSettings): Promise<SoakMeasurement> {
  const scenarios = SCENARIOS.filter((scenario) => SOAK_SCENARIO_IDS.includes(scenario.id));
  settings.progress('soak gatehouse: starting and preparing');
  const target = await startGatehouse({
    ...settings.gatehouse, label: 'soak', material: combinedMaterial(scenarios.map((scenario) => scenario.material(settings.plan))),
  });
  const tally = new SoakTally();
  const http = new LoopbackHttp(target.baseUrl, settings.plan.concurrency, (status) => tally.answered(status));
  try {
    const operations = await prepareAll(scenarios, target, http, settings);
    tally.clear(); // the preparation's answers are not the soak's
    return await loadAndSample(target, operations, tally, settings);
  } finally {
    await http.close();
    await target.stop();
  }
}
