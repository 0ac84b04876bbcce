// The `gatehouse` command tree and its error policy: usage errors are one line and exit 2, never a help dump.
import { Command } from 'commander';
import { registerApiCommands } from './commands/apis.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerClientCommands } from './commands/clients.js';
import { registerConfigCommands } from './commands/config.js';
import { registerConsentCommands } from './commands/consents.js';
import { registerDatabaseCommands } from './commands/db.js';
import { registerKeyCommands } from './commands/keys.js';
import { registerOpsCommands } from './commands/ops.js';
import { registerProbeCommand } from './commands/probe.js';
import { registerServeCommands } from './commands/serve.js';
import { registerUserCommands } from './commands/users.js';
import { reportError, type ExitCode } from './output.js';
import { packageVersion } from './version.js';

export function buildProgram(): Command {
  const program = new Command('gatehouse')
    .description('Gatehouse: an OAuth 2.1 and OpenID Connect authorization server')
    .version(packageVersion(), '-V, --version', 'print the version of Gatehouse')
    // Settings made before adding subcommands are inherited by them.
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);
  registerServeCommands(program);
  registerDatabaseCommands(program);
  registerConfigCommands(program);
  registerClientCommands(program);
  registerApiCommands(program);
  registerUserCommands(program);
  registerConsentCommands(program);
  registerKeyCommands(program);
  registerOpsCommands(program);
  registerProbeCommand(program);
  registerAuditCommands(program);
  return program;
}

/** Runs the CLI and returns its exit code; `--json` anywhere on the line selects JSON errors, even usage errors. */
export async function runCli(argv: readonly string[]): Promise<ExitCode | undefined> {
  const json = argv.includes('--json');
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return undefined;
  } catch (error) {
    return reportError(error, { json });
  }
}
