// Runs the real `gatehouse` CLI as a child process and captures its exit code and output.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { gatehouseCommand } from '../support/gatehouse-command.js';

import { CLI_ENCRYPTION_SECRET as TEST_ENCRYPTION_SECRET } from '../support/secrets.js';

export { TEST_ENCRYPTION_SECRET };

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a production-mode CLI run against a test database. */
export function cliEnvironment(database: { readonly databaseUrl: string | undefined; readonly dataDir: string }): NodeJS.ProcessEnv {
  return {
    GATEHOUSE_ISSUER: 'https://id.example.test',
    GATEHOUSE_KEYS_ENCRYPTION_SECRET: TEST_ENCRYPTION_SECRET,
    GATEHOUSE_DATA_DIR: database.dataDir,
    ...(database.databaseUrl === undefined ? {} : { GATEHOUSE_DATABASE_URL: database.databaseUrl }),
  };
}

/** The runner's own GATEHOUSE_* variables are dropped so only `env` configures the child. */
export function childEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GATEHOUSE_')));
  return { ...inherited, ...env };
}

/**
 * Runs `gatehouse <args>` with stdin a pipe (never a terminal) fed with `input`, in `cwd` (a folder without
 * a gatehouse.config.json, so only `env` and `--config` configure it).
 */
export function runCli(args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd: string; input?: string }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...gatehouseCommand(), ...args], {
      cwd: options.cwd,
      env: childEnvironment(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Parses stdout as the one JSON document a `--json` command prints. */
export function jsonOf<T = Record<string, unknown>>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}): ${result.stdout}\nstderr: ${result.stderr}`);
  }
}

/** A failure is exactly one `gatehouse: ...` line on stderr, nothing on stdout, and the given exit code. */
export function assertOneLineFailure(result: CliResult, exitCode: number, message: RegExp): void {
  const context = `exit ${result.code}, stdout ${JSON.stringify(result.stdout)}, stderr ${JSON.stringify(result.stderr)}`;
  assert.equal(result.code, exitCode, context);
  assert.equal(result.stdout, '', context);
  assert.match(result.stderr, /^gatehouse: [^\n]+\n$/, context);
  assert.match(result.stderr, message, context);
  assert.doesNotMatch(result.stderr, /\n\s+at /, context);
}
