// CLI output: results as text or JSON on stdout, every failure as one line on stderr with its exit code.
import { CommanderError } from 'commander';
import { ConfigError } from '../config/load.js';
import { ListenError } from '../http/http-server.js';
import { StoreUnavailableError } from '../store/store.js';
import { ClientNameTaken, ClientNotFound, ClientOperationRefused, InvalidClientMetadata } from '../clients/errors.js';
import { ApiIdentifierTaken, ApiNotFound, InvalidApiMetadata } from '../apis/errors.js';
import { DevSecretError } from '../tokens/keys/dev-secret.js';
import { KeyDecryptionError } from '../tokens/keys/key-encryption.js';
import { InvalidUserInput, UserNotFound, UsernameTaken } from '../users/errors.js';
import { toTerminalSafeJson } from './terminal-safe.js';

/** 0 ok; 1 the operation failed; 2 invalid configuration or usage; 3 database (for `probe`: the issuer) unavailable. */
export const EXIT = { ok: 0, failed: 1, usage: 2, unavailable: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The command line was understood but cannot be carried out as given (e.g. no terminal for a prompt). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A command that printed its result and still failed (a probe step, a broken audit chain): its one-line message and exit code. */
export class CommandFailed extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CommandFailed';
  }
}

/**
 * A file with problems, each located (`FILE:LINE:COL path: message`): every line is printed, then the summary; with
 * --json, `{"error": summary, "problems": [...]}`. Exit code 1.
 */
export class ProblemsFound extends Error {
  constructor(message: string, readonly lines: readonly string[], readonly problems: readonly unknown[]) {
    super(message);
    this.name = 'ProblemsFound';
  }
}

/** Failures whose message is written for an operator; anything else is unexpected. */
const OPERATION_ERRORS = [
  InvalidClientMetadata, ClientNotFound, ClientNameTaken, ClientOperationRefused, InvalidUserInput, UserNotFound, UsernameTaken,
  DevSecretError, KeyDecryptionError, InvalidApiMetadata, ApiNotFound, ApiIdentifierTaken, CommandFailed, ProblemsFound,
];

export interface OutputOptions {
  readonly json?: boolean | undefined;
}

/** Prints a command's result: the JSON document with --json, otherwise the human lines. */
export function printResult(options: OutputOptions, human: string | readonly string[], json: unknown): void {
  if (options.json) process.stdout.write(`${toTerminalSafeJson(json, 2)}\n`);
  else process.stdout.write(`${typeof human === 'string' ? human : human.join('\n')}\n`);
}

/** A note for the operator that is not the result (warnings): stderr, so stdout stays parseable. */
export function printNote(message: string): void {
  process.stderr.write(`gatehouse: ${redactSecrets(message)}\n`);
}

export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof CommandFailed) return error.exitCode;
  // A host or port that cannot be listened on is a setting to change, like an invalid one.
  if (error instanceof ConfigError || error instanceof UsageError || error instanceof ListenError) return EXIT.usage;
  if (error instanceof StoreUnavailableError) return EXIT.unavailable;
  return EXIT.failed;
}

/**
 * Writes the failure to stderr — `gatehouse: <message>`, or `{"error": "<message>"}` with --json — and
 * returns the exit code. Never a stack trace; passwords inside URLs are masked.
 */
export function reportError(error: unknown, options: OutputOptions): ExitCode {
  const code = exitCodeOf(error);
  // Commander has already written the help text (`--help`, or a group named without its subcommand).
  if (error instanceof CommanderError && (code === EXIT.ok || error.code === 'commander.help')) return code;
  const problems = error instanceof ConfigError ? error.problems.map(redactSecrets) : undefined;
  const message = describeError(error);
  if (error instanceof ProblemsFound) {
    const lines = options.json ? [JSON.stringify({ error: message, problems: error.problems })] : [...error.lines.map(redactSecrets), `gatehouse: ${message}`];
    process.stderr.write(`${lines.join('\n')}\n`);
  } else if (options.json) {
    process.stderr.write(`${JSON.stringify(problems ? { error: message, problems } : { error: message })}\n`);
  } else if (problems !== undefined && problems.length > 1) {
    // Several problems get a line each: fixing them one run at a time is tedious.
    process.stderr.write(`gatehouse: invalid configuration:\n${problems.map((problem) => `  - ${problem}\n`).join('')}`);
  } else {
    process.stderr.write(`gatehouse: ${message}\n`);
  }
  return code;
}

function describeError(error: unknown): string {
  if (error instanceof ConfigError) return `invalid configuration: ${error.problems.join('; ')}`;
  if (error instanceof CommanderError) return oneLine(error.message.replace(/^error: /, ''));
  const known =
    error instanceof UsageError || error instanceof ListenError || error instanceof StoreUnavailableError || OPERATION_ERRORS.some((type) => error instanceof type);
  if (known) return oneLine((error as Error).message);
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return oneLine(`unexpected error: ${detail}`);
}

function oneLine(text: string): string {
  return redactSecrets(text.split('\n').map((line) => line.trim()).filter((line) => line !== '').join(' '));
}

/** `postgres://user:pw@host` -> `postgres://user:***@host`: a database URL may reach a message. */
export function redactSecrets(text: string): string {
  return text.replace(/(\/\/[^/@:\s]*:)[^/@\s]*@/g, '$1***@');
}
