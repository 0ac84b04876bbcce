// `gatehouse ops alerts` and `gatehouse ops dashboard`: the Prometheus rules and Grafana dashboard operators deploy.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { renderRuleFile } from '../../ops/alert-rules.js';
import { renderDashboard } from '../../ops/dashboard.js';
import { InvalidSelector, parseSelector } from '../../ops/selector.js';
import { UsageError } from '../output.js';

/** The runbook's path inside the Gatehouse repository: true wherever the repository is, a link only once published. */
export const DEFAULT_RUNBOOK_BASE_URL = 'docs/runbook.md';

interface OpsOptions {
  readonly output?: string | undefined;
  readonly selector: string;
}

interface AlertsOptions extends OpsOptions {
  readonly runbookBaseUrl: string;
}

function selectorOf(options: OpsOptions): string {
  try {
    return parseSelector(options.selector);
  } catch (error) {
    if (error instanceof InvalidSelector) throw new UsageError(error.message);
    throw error;
  }
}

/** Writes the generated file to `--output`, or to stdout without it. */
function emit(options: OpsOptions, text: string): void {
  if (options.output === undefined) {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(options.output, text);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unwritable';
    throw new UsageError(`--output: cannot write ${options.output} (${reason})`);
  }
}

function withOpsOptions(command: Command): Command {
  return command
    .option('--output <file>', 'write to this file instead of stdout')
    .option('--selector <matchers>', 'Prometheus label matchers every query is narrowed by, e.g. job="gatehouse"', '');
}

export function registerOpsCommands(program: Command): void {
  const ops = program.command('ops').description('generate monitoring files: Prometheus alerting rules and a Grafana dashboard');

  withOpsOptions(ops.command('alerts').description('print the Prometheus recording and alerting rules (YAML) for the Gatehouse SLOs'))
    .option('--runbook-base-url <url>', 'where docs/runbook.md is published; each alert links to its section there', DEFAULT_RUNBOOK_BASE_URL)
    .action((options: AlertsOptions) => {
      emit(options, renderRuleFile({ selector: selectorOf(options), runbookBaseUrl: options.runbookBaseUrl }));
    });

  withOpsOptions(ops.command('dashboard').description('print the Grafana dashboard (JSON) of the same SLOs and the on-call and debugging panels'))
    .action((options: OpsOptions) => {
      emit(options, renderDashboard(selectorOf(options)));
    });
}
