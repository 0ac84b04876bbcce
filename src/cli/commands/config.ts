// `gatehouse config check`: validates the configuration and shows what it resolves to, or every problem in it.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { renderConfigReference } from '../../config/reference.js';
import type { Config } from '../../config/schema.js';
import { loadCommandConfig, withCommonOptions, type CommonOptions } from '../context.js';
import { printResult, redactSecrets } from '../output.js';

/** The database a configuration points at, without its password. */
export function describeDatabase(config: Config): string {
  if (config.databaseUrl !== undefined) return redactSecrets(config.databaseUrl);
  return `embedded SQLite in ${resolve(config.dataDir)}`;
}

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('inspect the configuration');

  // An invalid configuration is a ConfigError, which the program reports with every problem and exit code 2.
  withCommonOptions(config.command('check').description('validate the configuration without starting anything')).action((options: CommonOptions) => {
    const loaded = loadCommandConfig(options);
    const database = describeDatabase(loaded);
    printResult(
      options,
      ['configuration is valid', `issuer:   ${loaded.issuer}`, `database: ${database}`, `mode:     ${loaded.dev ? 'dev' : 'production'}`],
      { valid: true, issuer: loaded.issuer, database, dev: loaded.dev },
    );
  });

  config
    .command('reference')
    .description('print the reference of every setting (Markdown), as the README embeds it')
    .action(() => {
      process.stdout.write(`${renderConfigReference()}\n`);
    });
}
