// `gatehouse config check`: validates the configuration and shows what it resolves to, or every problem in it.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../config/load.js';
import { renderConfigReference } from '../../config/reference.js';
import type { Config } from '../../config/schema.js';
import { loadCommandConfig, withCommonOptions, type CommonOptions } from '../context.js';
import { EXIT, printResult, redactSecrets } from '../output.js';

/** The database a configuration points at, without its password. */
export function describeDatabase(config: Config): string {
  if (config.databaseUrl !== undefined) return redactSecrets(config.databaseUrl);
  return `embedded SQLite in ${resolve(config.dataDir)}`;
}

function printProblems(options: CommonOptions, error: ConfigError): void {
  if (options.json) {
    process.stderr.write(`${JSON.stringify({ error: 'invalid configuration', problems: error.problems.map(redactSecrets) })}\n`);
    return;
  }
  // Unlike other failures this lists every problem, one per line: fixing them one run at a time is tedious.
  process.stderr.write(`gatehouse: invalid configuration:\n${error.problems.map((problem) => `  - ${redactSecrets(problem)}\n`).join('')}`);
}

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('inspect the configuration');

  withCommonOptions(config.command('check').description('validate the configuration without starting anything')).action((options: CommonOptions) => {
    let loaded: Config;
    try {
      loaded = loadCommandConfig(options);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      printProblems(options, error);
      process.exitCode = EXIT.usage;
      return;
    }
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
