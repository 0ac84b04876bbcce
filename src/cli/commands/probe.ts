// `gatehouse probe`: a synthetic login through a running issuer without a browser, for monitoring: each step's
// latency on stdout, the failed step named on stderr, the exit code for cron, and a textfile for node_exporter.
import { Option, type Command } from 'commander';
import { renderProbeMetrics, writeTextfile } from '../../probe/prometheus-textfile.js';
import { describeProbe, failedStepOf, probeExitCode, toProbeJson } from '../../probe/probe-report.js';
import { runProbe } from '../../probe/run-probe.js';
import { CommandFailed, printResult } from '../output.js';
import { packageVersion } from '../version.js';
import { CLIENT_SECRET_VARIABLE, PASSWORD_VARIABLE, refuseSecretsInArgv, resolveProbeSettings, type ProbeOptions } from './probe-settings.js';

const DESCRIPTION = 'sign in to a running issuer as a test account, step by step, and report each step (exit 0 passed, 1 a step failed, 2 usage, 3 issuer unreachable or a step timed out)';

function addOptions(command: Command): Command {
  return command
    .option('--issuer <url>', 'the issuer to probe, exactly as its discovery names it (required without --dev)')
    .option('--client-id <client_id>', 'the client to sign in with (required without --dev)')
    .option('--redirect-uri <uri>', 'one of its registered redirect URIs; nothing needs to listen there (required without --dev)')
    .option('--token-endpoint-auth-method <method>', `client_secret_basic, client_secret_post or none (default: client_secret_basic when ${CLIENT_SECRET_VARIABLE} is set, else none)`)
    .option('--username <username>', 'the test account (required without --dev, which uses demo)')
    .option('--password-stdin', `read the test account's password from stdin (otherwise from ${PASSWORD_VARIABLE}; never from the command line)`)
    .addOption(new Option('--password <password>').hideHelp())
    .addOption(new Option('--client-secret <secret>').hideHelp())
    .option('--scope <scopes>', 'scopes to request; openid and offline_access are needed for the ID token and refresh steps', 'openid offline_access')
    .option('--timeout <seconds>', 'how long each step may take before it fails', '10')
    .option('--json', 'print the result as JSON')
    .option('--prometheus-textfile <path>', "also write the result for node_exporter's textfile collector (a .prom file, replaced atomically)")
    .option('--dev', 'probe `serve --dev` with the same settings: its issuer, the demo user, and a public probe client it registers in the dev database')
    .option('--config <path>', 'with --dev: the configuration file serve --dev runs with');
}

export function registerProbeCommand(program: Command): void {
  addOptions(program.command('probe').description(DESCRIPTION)).action(async (options: ProbeOptions) => {
    refuseSecretsInArgv(options);
    const settings = await resolveProbeSettings(options);
    const result = await runProbe(settings, `gatehouse-probe/${packageVersion()}`);
    // Written whatever the outcome: a failed run is what the alert needs to see.
    if (options.prometheusTextfile !== undefined) await writeTextfile(options.prometheusTextfile, renderProbeMetrics(result));
    printResult(options, describeProbe(result), toProbeJson(result));
    const failed = failedStepOf(result);
    if (failed !== undefined) throw new CommandFailed(`probe failed at step ${failed.step}: ${failed.reason}`, probeExitCode(result));
  });
}
