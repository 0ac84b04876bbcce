// Starts several processes on one database and releases them at once, to race them for real.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { RaceTask } from './race-worker.js';
import { PROJECT_ROOT } from '../support/project-root.js';

// The worker beside this module: its TypeScript source through tsx, or its compiled twin when the tests run compiled.
const COMPILED = !fileURLToPath(import.meta.url).endsWith('.ts');
const WORKER = join(import.meta.dirname, COMPILED ? 'race-worker.js' : 'race-worker.ts');

type Child = ChildProcessByStdio<Writable, Readable, null>;

function startRacer(task: RaceTask): { child: Child; ready: Promise<void>; result: Promise<string[]> } {
  const child = spawn(process.execPath, [...(COMPILED ? [] : ['--import', 'tsx']), WORKER], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, RACE_TASK: JSON.stringify(task) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const output: string[] = [];
  let markReady = (): void => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line === 'ready') markReady();
    else output.push(line);
  });
  const result = new Promise<string[]>((resolve, reject) => {
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`racer exited with ${code}`));
      else resolve(JSON.parse(output.join('')) as string[]);
    });
  });
  // A racer that dies before "ready" must fail the race, not hang it.
  result.catch(() => markReady());
  return { child, ready, result };
}

/** Runs `task` in `processes` processes at once; returns every outcome (or applied migration name) they report. */
export async function raceProcesses(task: RaceTask, processes: number): Promise<string[]> {
  const racers = Array.from({ length: processes }, () => startRacer(task));
  await Promise.all(racers.map((racer) => racer.ready));
  for (const racer of racers) racer.child.stdin.end('go\n');
  // Every racer has ended before this returns or throws: the test's cleanup drops the schema they use.
  const settled = await Promise.allSettled(racers.map((racer) => racer.result));
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? outcome.value : []));
}
