// `gatehouse serve --workers N`: the primary prepares the deployment once, forks N workers sharing the port (node:cluster),
// replaces one that exits (with a growing delay, giving up on a crash loop), and on SIGTERM or SIGINT stops them gracefully.
import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { withListeningPort } from '../config/load.js';
import { MAX_WORKERS, type Config } from '../config/schema.js';
import { answerClusterScrapes } from '../observability/cluster-metrics.js';
import type { Logger } from '../observability/logger.js';
import { presentDemoOnce, prepareDeployment } from './prepare.js';
import { RestartPolicy, restartLimitsFor } from './restart-policy.js';

/** The number of workers `workers` asks for: `auto` is one per CPU this process may use. */
export function resolveWorkerCount(workers: Config['workers']): number {
  return workers === 'auto' ? Math.min(availableParallelism(), MAX_WORKERS) : workers;
}

export type PrimaryOutcome = 'stopped' | 'crash_loop' | 'unclean_stop';

export interface PrimaryOptions {
  readonly count: number;
  /** Dev mode's credentials and banner: a person's terminal, never the log. */
  readonly print: (text: string) => void;
  /** Prints the dev banner once the issuer's port is known. */
  readonly announceDev: (issuer: string) => void;
}

/** Runs the primary until its workers are stopped by a signal, or keep crashing; says which. */
export async function runPrimary(config: Config, logger: Logger, options: PrimaryOptions): Promise<PrimaryOutcome> {
  await prepareDeployment(config, logger);
  return new Supervisor(config, logger, options).run();
}

class Supervisor {
  private readonly workers = new Set<Worker>();
  private readonly pendingForks = new Set<NodeJS.Timeout>();
  private readonly policy: RestartPolicy;
  private outcome: PrimaryOutcome | undefined;
  private finish: (outcome: PrimaryOutcome) => void = () => undefined;
  private announced = false;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly options: PrimaryOptions,
  ) {
    this.policy = new RestartPolicy(restartLimitsFor(options.count));
  }

  run(): Promise<PrimaryOutcome> {
    const onSignal = (signal: NodeJS.Signals) => this.stop(signal);
    const onExit = (worker: Worker, code: number | null, signal: NodeJS.Signals | null) => this.onExit(worker, code, signal);
    const onListening = (_worker: Worker, address: AddressInfo) => this.onListening(address.port);
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    cluster.on('exit', onExit);
    cluster.on('listening', onListening);
    const stopAnsweringScrapes = this.config.metrics.enabled ? answerClusterScrapes() : () => undefined;
    const done = new Promise<PrimaryOutcome>((resolve) => (this.finish = resolve));
    this.logger.info({ workers: this.options.count }, 'starting workers');
    for (let i = 0; i < this.options.count; i++) this.fork();
    return done.finally(() => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      cluster.off('exit', onExit);
      cluster.off('listening', onListening);
      stopAnsweringScrapes();
    });
  }

  private fork(): void {
    const worker = cluster.fork();
    this.workers.add(worker);
    this.logger.info({ worker: worker.id, workerPid: worker.process.pid }, 'worker started');
  }

  /** The first worker bound the port: in dev mode, the port 0 stood for is known now, and with it the issuer. */
  private onListening(port: number): void {
    if (this.announced) return;
    this.announced = true;
    const config = withListeningPort(this.config, port);
    if (!config.dev) return;
    this.options.announceDev(config.issuer);
    if (config.seedDemo) {
      presentDemoOnce(config, this.logger, this.options.print).catch((error: unknown) => this.logger.error({ err: error }, 'seeding the demo failed'));
    }
  }

  private onExit(worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    this.workers.delete(worker);
    const exit = { worker: worker.id, workerPid: worker.process.pid, exitCode: code, signal };
    if (this.outcome !== undefined) {
      // A worker still starting has no handler yet, and SIGTERM ends it before it served anything: that is clean too.
      const clean = code === 0 || signal === 'SIGTERM';
      if (!clean && this.outcome === 'stopped') this.outcome = 'unclean_stop';
      this.logger.info(exit, 'worker stopped');
      this.finishWhenAllGone();
      return;
    }
    const delay = this.policy.delayAfterExit(Date.now());
    if (delay === undefined) {
      this.logger.fatal({ ...exit, exits: this.policy.recentExits() }, 'workers keep exiting: giving up, stopping the others');
      this.stopWorkers('crash_loop');
      return;
    }
    this.logger.error({ ...exit, restartInMs: delay }, 'worker exited; replacing it');
    const timer = setTimeout(() => {
      this.pendingForks.delete(timer);
      this.fork();
    }, delay);
    this.pendingForks.add(timer);
  }

  private stop(signal: NodeJS.Signals): void {
    if (this.outcome === undefined) {
      this.logger.info({ signal }, 'shutting down workers');
      this.stopWorkers('stopped');
      return;
    }
    this.logger.warn({ signal }, 'second signal: killing the workers without waiting');
    for (const worker of this.workers) worker.process.kill('SIGKILL');
    process.exit(1);
  }

  /** Each worker drains its in-flight requests and exits; the primary finishes once all have. */
  private stopWorkers(outcome: PrimaryOutcome): void {
    this.outcome = outcome;
    for (const timer of this.pendingForks) clearTimeout(timer);
    this.pendingForks.clear();
    for (const worker of this.workers) worker.process.kill('SIGTERM');
    this.finishWhenAllGone();
  }

  private finishWhenAllGone(): void {
    if (this.workers.size === 0 && this.outcome !== undefined) this.finish(this.outcome);
  }
}
