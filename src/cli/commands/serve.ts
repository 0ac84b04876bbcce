// `gatehouse serve` and `gatehouse migrate`: run the server, or bring the database schema up to date.
import cluster from 'node:cluster';
import type { Command } from 'commander';
import { loadDatabaseConfig, storeOptionsOf } from '../../config/load.js';
import { createLogger } from '../../observability/logger.js';
import { loadCommandConfig, withCommonOptions, type CommonOptions } from '../context.js';
import { CommandFailed, EXIT, printResult } from '../output.js';

interface ServeOptions extends CommonOptions {
  readonly workers?: string | undefined;
}

const PRIMARY_FAILURES = {
  crash_loop: 'workers kept exiting, so the primary gave up; see the log for why',
  unclean_stop: 'a worker did not stop cleanly; see the log',
} as const;

export function registerServeCommands(program: Command): void {
  withCommonOptions(program.command('serve').description('run the authorization server until SIGTERM or SIGINT (with --dev: also a demo user and client)'))
    .option('--workers <count>', 'processes serving on the port: 1-64, or auto for one per CPU (default: the workers setting, 1)')
    .action(async (options: ServeOptions) => {
      // The server runs in dev mode only when told to (`--dev`), never because of what its data folder holds.
      const config = loadCommandConfig(options, { detectDevDataDir: false, workers: options.workers });
      const logger = createLogger(config.logLevel);
      // Loaded lazily so that the other commands never load Fastify.
      const { printDevBanner, runServer } = await import('../../main.js');
      // A worker re-runs this command line; its primary set node:cluster up.
      const worker = cluster.worker;
      if (worker !== undefined) {
        try {
          return await runServer(config, logger.child({ worker: worker.id }), { worker: true });
        } finally {
          // The channel to the primary would keep a stopped or failed worker alive.
          worker.disconnect();
        }
      }
      const { resolveWorkerCount, runPrimary } = await import('../../cluster/primary.js');
      const count = resolveWorkerCount(config.workers);
      if (count === 1) return runServer(config, logger);
      const print = (text: string) => process.stderr.write(text);
      const outcome = await runPrimary(config, logger, { count, print, announceDev: printDevBanner });
      if (outcome !== 'stopped') throw new CommandFailed(PRIMARY_FAILURES[outcome], EXIT.failed);
    });

  withCommonOptions(program.command('migrate').description('apply pending database migrations')).action(async (options: CommonOptions) => {
    // Only the database settings: migrations run before the rest (issuer, secrets) need be configured.
    const config = loadDatabaseConfig({ configPath: options.config, env: process.env });
    const { migrateStore } = await import('../../store/open.js');
    const { applied } = await migrateStore(storeOptionsOf(config));
    const human = applied.length === 0 ? 'database is up to date' : ['applied migrations:', ...applied.map((name) => `  ${name}`)];
    printResult(options, human, { applied });
  });
}
