// Runs `npm run demo` as a real process in its own process group, as a terminal would, and waits on what it prints.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { after } from 'node:test';

import { PROJECT_ROOT as ROOT } from './project-root.js';

const running = new Set<ChildProcess>();
// Once the importing file's tests are over, passed or failed, no demo is left running (its children stop with it).
after(() => {
  for (const child of running) signalGroup(child, 'SIGKILL');
});

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // The group is already gone.
  }
}

export interface DemoProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the match once stdout matches `pattern`; rejects if the demo exits first or after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpExecArray>;
  /** Ctrl-C as a terminal sends it: SIGINT to npm, the shell and the demo at once. */
  interrupt(): void;
  /** Resolves with how npm ended: a Ctrl-C ends it by SIGINT, as in a terminal, once the demo has stopped. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether any process of npm's group (npm, the shell, the demo) is still running. */
  running(): boolean;
}

/** `env` adds to the runner's environment, without its GATEHOUSE_* variables. */
export function startDemo(env: NodeJS.ProcessEnv): DemoProcess {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GATEHOUSE_')));
  const child = spawn('npm', ['run', '--silent', 'demo'], { cwd: ROOT, env: { ...inherited, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const streams = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    streams.stdout += chunk.toString('utf8');
    for (const listener of listeners) listener();
  });
  child.stderr.on('data', (chunk: Buffer) => (streams.stderr += chunk.toString('utf8')));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  running.add(child);
  void exit.then(() => running.delete(child));

  const waitFor = (pattern: RegExp, ms = 180_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      const check = () => {
        const match = pattern.exec(streams.stdout);
        if (match === null) return;
        done();
        resolve(match);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${pattern}; stdout:\n${streams.stdout}\nstderr:\n${streams.stderr}`));
      }, ms);
      listeners.add(check);
      void exit.then(({ code, signal }) => {
        if (!listeners.has(check)) return;
        done();
        reject(new Error(`the demo exited with ${signal ?? code} before ${pattern}; stdout:\n${streams.stdout}\nstderr:\n${streams.stderr}`));
      });
      check();
    });
  return {
    child,
    stdout: () => streams.stdout,
    stderr: () => streams.stderr,
    waitFor,
    interrupt: () => signalGroup(child, 'SIGINT'),
    exited: () => exit,
    running: () => {
      try {
        process.kill(-child.pid!, 0);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** The process id of the demo's child running `entry` with `variable` (NAME=value), found through /proc as `ps` would. */
export function exampleProcessId(entry: string, variable: string): number {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (commandLine.includes(entry) && environment.includes(variable)) return Number(pid);
    } catch {
      // A process that ended meanwhile, or one of another user.
    }
  }
  assert.fail(`no process running ${entry} with ${variable}`);
}
