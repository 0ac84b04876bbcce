// A server under test as its own process, pinned to CPU 0 with taskset, waited for until it answers, stopped with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../test/support/free-port.js';

export { freePort };

export const SERVER_CPU = '0';
export const LOAD_CPU = '1';

/**
 * The CPUs a server of `workers` processes runs on: CPU 0 alone for one, CPUs 0 to N-1 for more. On a machine with
 * no CPU beyond those, the last of them is the load generator's too (reported with the results).
 */
export function serverCpus(workers: number): string {
  return workers <= 1 ? SERVER_CPU : Array.from({ length: workers }, (_, cpu) => String(cpu)).join(',');
}

export interface ServerProcess {
  readonly pid: number;
  readonly baseUrl: string;
  stop(): Promise<void>;
}

/** The environment without any GATEHOUSE_* setting of the caller's, so only what the benchmark sets applies. */
export function cleanEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('GATEHOUSE_')) env[key] = value;
  return { ...env, ...extra };
}

async function waitUntilReady(child: ChildProcess, readyUrl: string, logFile: string): Promise<void> {
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  for (let attempt = 0; attempt < 600; attempt += 1) {
    if (exited !== undefined) throw new Error(`server exited with ${exited} before it was ready (log: ${logFile})`);
    const ready = await fetch(readyUrl).then((response) => response.ok, () => false);
    if (ready) return;
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`server not ready after 60 s (log: ${logFile})`);
}

/** Starts `node args…` under `taskset -c CPUS` (CPU 0 unless told), its output to `logFile`, and waits until `readyPath` answers 200. */
export async function startPinnedServer(options: {
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly port: number;
  readonly readyPath: string;
  readonly logFile: string;
  readonly cpus?: string;
}): Promise<ServerProcess> {
  const log = openSync(options.logFile, 'a');
  const child = spawn('taskset', ['-c', options.cpus ?? SERVER_CPU, process.execPath, ...options.args], {
    env: options.env, cwd: options.cwd, stdio: ['ignore', log, log],
  });
  closeSync(log);
  const baseUrl = `http://127.0.0.1:${options.port}`;
  await waitUntilReady(child, `${baseUrl}${options.readyPath}`, options.logFile);
  if (child.pid === undefined) throw new Error('server has no pid');
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid, // taskset execs node, so this is the server's own pid
    baseUrl,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const forced = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(forced);
    },
  };
}
