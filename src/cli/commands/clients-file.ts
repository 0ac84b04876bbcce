// `gatehouse clients lint|apply FILE`: client definitions kept in a YAML or JSON file, checked in CI and applied on deploy.
import type { Command } from 'commander';
import { canSignIdTokensFor, describeMissingIdTokenKey } from '../../clients/id-token-algorithm.js';
import { applyClientChanges, type AppliedChange } from '../client-file/apply.js';
import { lintClientFile } from '../client-file/lint.js';
import { planClientChanges, type PlannedChange } from '../client-file/plan.js';
import { describeChanges, describeGeneratedSecrets, summarizeChanges, toChangesJson } from '../client-file/plan-text.js';
import { formatProblem, type FileProblem } from '../client-file/source.js';
import { withCommonOptions, withSealedStore, type CommandContext, type CommonOptions } from '../context.js';
import { printNote, printResult, ProblemsFound, type OutputOptions } from '../output.js';
import { warnAboutLocalhost } from './client-warnings.js';

interface ApplyOptions extends CommonOptions {
  readonly dryRun?: boolean;
  readonly prune?: boolean;
}

function problemsFound(file: string, problems: readonly FileProblem[], consequence: string): ProblemsFound {
  const summary = `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}${consequence}`;
  return new ProblemsFound(summary, problems.map((problem) => formatProblem(file, problem)), problems);
}

function registerLint(clients: Command): void {
  clients
    .command('lint')
    .description('check a file of client definitions against the registration policy; exit 0 clean, 1 problems, 2 unreadable')
    .argument('<file>', 'YAML or JSON file with a "clients" list')
    .option('--json', 'print machine-readable JSON')
    .action((file: string, options: OutputOptions) => {
      const { definitions, problems } = lintClientFile(file);
      if (problems.length > 0) throw problemsFound(file, problems, '');
      printResult(options, `${file}: ${definitions.length} client(s), no problems`, { file, clients: definitions.length, problems: [] });
    });
}

function registerApply(clients: Command): void {
  withCommonOptions(clients.command('apply').description('create or update the clients of a file to match it; prints the changes').argument('<file>'))
    .option('--dry-run', 'show the changes without making them')
    .option('--prune', 'also delete the clients the file does not define, with everything issued to them')
    .action(async (file: string, options: ApplyOptions) => {
      // Linted before the database is opened: a file with any problem changes nothing.
      const { definitions, problems } = lintClientFile(file);
      if (problems.length > 0) throw problemsFound(file, problems, '; nothing was applied');
      const dryRun = options.dryRun ?? false;
      // Sealing even for --dry-run: the plan and what is applied come from one way of opening the store.
      await withSealedStore(options, async (context) => {
        const plan = await planClientChanges(context.store, definitions, { environment: process.env, prune: options.prune ?? false });
        if ('problems' in plan) throw problemsFound(file, plan.problems, '; nothing was applied');
        warnAboutChangedClients(context, plan.changes);
        const { applied, failure } = dryRun
          ? { applied: plan.changes.map((change) => ({ change, generatedSecret: null })), failure: undefined }
          : await applyClientChanges(context, plan.changes);
        printApplied(options, applied, dryRun);
        if (failure !== undefined) throw failure;
      });
    });
}

function printApplied(options: OutputOptions, applied: readonly AppliedChange[], dryRun: boolean): void {
  const human = [...describeChanges(applied), summarizeChanges(applied, dryRun), ...describeGeneratedSecrets(applied)];
  printResult(options, human, toChangesJson(applied, dryRun));
}

/** The warnings of `clients create` and `update`, for each client created or changed: localhost URIs, an ID token algorithm without keys. */
function warnAboutChangedClients(context: CommandContext, changes: readonly PlannedChange[]): void {
  for (const change of changes) {
    if (change.action !== 'create' && change.action !== 'update') continue;
    const { clientId, metadata } = change.definition;
    warnAboutLocalhost(metadata.redirectUris);
    if (!canSignIdTokensFor(metadata, context.config.keys.algorithms)) printNote(`warning: ${describeMissingIdTokenKey({ ...metadata, clientId })}`);
  }
}

export function registerClientFileCommands(clients: Command): void {
  registerLint(clients);
  registerApply(clients);
}
