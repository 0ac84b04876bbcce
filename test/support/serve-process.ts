// Runs `gatehouse serve` as a real child process and waits on what it prints.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { after } from 'node:test';
import { gatehouseCommand } from './gatehouse-command.js';

const running = new Set<ChildProcessWithoutNullStreams>();
// A hook on the importing test file's root: once all its tests are over, passed or failed, no server is left running.
// One left behind by a failed assertion would keep the test process, and with it the whole run, waiting forever.
after(() => {
  for (const child of running) child.kill('SIGKILL');
});

export interface ServeProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything written so far, stdout and stderr interleaved. */
  output(): string;
  /** What the process wrote to stdout alone (the JSON log lines). */
  stdout(): string;
  /** What the process wrote to stderr alone (banners for the person at the terminal, failures). */
  stderr(): string;
  /** Resolves with the output once it matches `pattern`; rejects if the process exits first or after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  /** Resolves with the exit code. */
  exited(): Promise<number | null>;
}

export function startServeProcess(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): ServeProcess {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GATEHOUSE_')));
  const child = spawn(process.execPath, [...gatehouseCommand(), 'serve', ...args], { cwd, env: { ...inherited, ...env } });
  let text = '';
  const streams = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  const append = (stream: keyof typeof streams) => (chunk: Buffer) => {
    text += chunk.toString('utf8');
    streams[stream] += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', append('stdout'));
  child.stderr.on('data', append('stderr'));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  running.add(child);
  child.on('exit', () => running.delete(child));

  const waitFor = (pattern: RegExp, ms = 20_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(text)) return;
        done();
        resolve(text);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${pattern}; output:\n${text}`));
      }, ms);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      void exit.then((code) => {
        if (!listeners.has(check)) return;
        done();
        reject(new Error(`exited with ${code} before ${pattern}; output:\n${text}`));
      });
      check();
    });
  return { child, output: () => text, stdout: () => streams.stdout, stderr: () => streams.stderr, waitFor, exited: () => exit };
}
