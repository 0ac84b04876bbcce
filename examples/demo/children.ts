// The demo's child processes: started with their output in a log file, waited on until they say they are ready,
// stopped together; the first one to exit unasked is reported to `onFailure`.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this module holding package.json (also when a test runs it compiled). */
function repositoryRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json')) && dirname(folder) !== folder) folder = dirname(folder);
  return folder;
}

const ROOT = repositoryRoot();
const TSX = import.meta.resolve('tsx');
const EXIT_WITH_PARENT = join(ROOT, 'examples/demo/exit-with-parent.ts');
/** How long a child may take to stop after SIGTERM before it is killed. */
const STOP_TIMEOUT_MS = 15_000;
/** How long a child may take to say it is ready: one that never does would leave the demo waiting forever. */
const READY_TIMEOUT_MS = 60_000;

export interface Child {
  readonly name: string;
  /** Resolves with the first stdout line matching `pattern`; rejects when the child exits first or takes too long. */
  ready(pattern: RegExp): Promise<string>;
}

interface Running {
  readonly name: string;
  readonly process: ChildProcess;
  readonly log: WriteStream;
  readonly exited: Promise<void>;
}

/** The variables a child inherits: the demo's own, without any GATEHOUSE_* setting that could point it elsewhere. */
function inheritedEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GATEHOUSE_')));
}

export class Children {
  private readonly running: Running[] = [];
  private stopping = false;

  /** `onFailure` hears of a child that exits while the demo is not stopping, with one line saying so. */
  constructor(
    private readonly logFolder: string,
    private readonly onFailure: (line: string) => void,
    private readonly readyTimeoutMs = READY_TIMEOUT_MS,
  ) {}

  /** Runs the TypeScript file `entry` (a path from the repository root) with tsx, in the repository root. */
  start(name: string, logName: string, entry: string, args: readonly string[], env: NodeJS.ProcessEnv): Child {
    // Started after stopAll, it would outlive the demo.
    if (this.stopping) throw new Error('the demo is stopping');
    const logPath = join(this.logFolder, `${logName}.log`);
    const log = createWriteStream(logPath, { flags: 'a', mode: 0o600 });
    // Its own process group: a Ctrl-C in the terminal reaches the demo alone, which then stops each child once.
    const child = spawn(process.execPath, ['--import', TSX, '--import', EXIT_WITH_PARENT, entry, ...args], {
      cwd: ROOT,
      env: { ...inheritedEnvironment(), ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let lastLine = '';
    child.stdout.on('data', (chunk: Buffer) => log.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      log.write(chunk);
      lastLine = chunk.toString('utf8').trim().split('\n').at(-1) ?? lastLine;
    });
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        if (!this.stopping) this.onFailure(`${name} stopped (${signal ?? `exit code ${code}`})${lastLine ? `: ${lastLine}` : ''}; its log: ${logPath}`);
        resolve();
      });
      child.once('error', (error) => {
        if (!this.stopping) this.onFailure(`${name} could not start: ${error.message}`);
        // A process that never started emits no `exit`: it is gone all the same.
        if (child.pid === undefined) resolve();
      });
    });
    this.running.push({ name, process: child, log, exited });
    const tooLong = `${name} did not say it was ready within ${this.readyTimeoutMs / 1000} s; its log: ${logPath}`;
    return { name, ready: (pattern) => readyLine(child, pattern, exited, this.readyTimeoutMs).catch((error: unknown) => {
      if (error instanceof ReadyTimeout) this.onFailure(tooLong);
      throw error;
    }) };
  }

  /** SIGTERM to every child still running, SIGKILL to any still there after STOP_TIMEOUT_MS; resolves once all are gone. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.running.map(async ({ process: child, exited, log }) => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
          await exited;
          clearTimeout(timer);
        }
        await new Promise<void>((resolve) => log.end(resolve));
      }),
    );
  }
}

class ReadyTimeout extends Error {}

function readyLine(child: ChildProcess, pattern: RegExp, exited: Promise<void>, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.stdout?.off('data', onData);
      reject(new ReadyTimeout('not ready in time'));
    }, timeoutMs);
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      const line = lines.find((candidate) => pattern.test(candidate));
      if (line === undefined) return;
      child.stdout?.off('data', onData);
      clearTimeout(timer);
      resolve(line);
    };
    child.stdout?.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error('exited before it was ready'));
    });
  });
}
