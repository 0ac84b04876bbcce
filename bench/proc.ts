// What the kernel says about a server process (Linux /proc): CPU time of all its threads, and its resident memory.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis start at field 3.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The process and its descendants (a server that forks workers), found through each process's parent id. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const parent = Number(statFields(pid)?.[1]);
    if (Number.isInteger(parent)) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i += 1) tree.push(...(children.get(tree[i] ?? -1) ?? []));
  return tree;
}

/**
 * CPU seconds (utime + stime, proc(5) fields 14 and 15) of the process and its descendants. A process's stat counts
 * every thread it has, so the libuv thread pool (password hashing) is included.
 */
export function cpuSeconds(root: number): number {
  let ticks = 0;
  for (const pid of processTree(root)) {
    const fields = statFields(pid);
    if (fields) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/** Resident memory (VmRSS) of the process and its descendants, in MiB. */
export function rssMiB(root: number): number {
  let kib = 0;
  for (const pid of processTree(root)) {
    try {
      kib += Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return kib / 1024;
}

export interface RssSample {
  /** Since sampling started. */
  readonly second: number;
  readonly mib: number;
}

/**
 * Samples resident memory (`rssMiB`) every `intervalMs` until stopped, once at the start and once at the stop too;
 * `onSample` sees each as it is taken.
 */
export function sampleRss(pid: number, intervalMs: number, onSample: (sample: RssSample) => void = () => {}): () => RssSample[] {
  const started = performance.now();
  const samples: RssSample[] = [];
  const take = (): void => {
    const sample = { second: (performance.now() - started) / 1000, mib: rssMiB(pid) };
    samples.push(sample);
    onSample(sample);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return () => {
    clearInterval(timer);
    take();
    return samples;
  };
}

/** Samples resident memory every `intervalMs` until stopped, keeping the peak. */
export function sampleRssPeak(pid: number, intervalMs = 200): () => number {
  const stop = sampleRss(pid, intervalMs);
  return () => peakMiB(stop());
}

export const peakMiB = (samples: readonly RssSample[]): number => samples.reduce((peak, sample) => Math.max(peak, sample.mib), 0);
