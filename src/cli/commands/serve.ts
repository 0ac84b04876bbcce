// `gatehouse serve` and `gatehouse migrate`: run the server, or bring the database schema up to date.
import type { Command } from 'commander';
import { createLogger } from '../../observability/logger.js';
import { loadCommandConfig, storeOptionsOf, withCommonOptions, type CommonOptions } from '../context.js';
import { printResult } from '../output.js';

export function registerServeCommands(program: Command): void {
  withCommonOptions(program.command('serve').description('run the authorization server until SIGTERM or SIGINT (with --dev: also a demo user and client)'))
    .action(async (options: CommonOptions) => {
      const config = loadCommandConfig(options);
      // Loaded lazily so that the other commands never load Fastify.
      const { runServer } = await import('../../main.js');
      await runServer(config, createLogger(config.logLevel));
    });

  withCommonOptions(program.command('migrate').description('apply pending database migrations')).action(async (options: CommonOptions) => {
    const config = loadCommandConfig(options);
    const { migrateStore } = await import('../../store/open.js');
    const { applied } = await migrateStore(storeOptionsOf(config));
    const human = applied.length === 0 ? 'database is up to date' : ['applied migrations:', ...applied.map((name) => `  ${name}`)];
    printResult(options, human, { applied });
  });
}
