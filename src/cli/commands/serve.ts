// `gatehouse serve` and `gatehouse migrate`: run the server, or bring the database schema up to date.
import type { Command } from 'commander';
import { loadDatabaseConfig } from '../../config/load.js';
import { createLogger } from '../../observability/logger.js';
import { loadCommandConfig, storeOptionsOf, withCommonOptions, type CommonOptions } from '../context.js';
import { printResult } from '../output.js';

export function registerServeCommands(program: Command): void {
  withCommonOptions(program.command('serve').description('run the authorization server until SIGTERM or SIGINT (with --dev: also a demo user and client)'))
    .action(async (options: CommonOptions) => {
      // The server runs in dev mode only when told to (`--dev`), never because of what its data folder holds.
      const config = loadCommandConfig(options, { detectDevDataDir: false });
      // Loaded lazily so that the other commands never load Fastify.
      const { runServer } = await import('../../main.js');
      await runServer(config, createLogger(config.logLevel));
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
