// The closed-loop load generator: N workers, each starting its next operation when the previous one answered,
// until the window closes. Bounded in time; it stops by itself.

/** One operation of a scenario for worker `worker` (0..concurrency-1); throws when the server's answer is wrong. */
export type Operation = (worker: number) => Promise<void>;

/** Thrown by an operation whose prepared material has run out: that worker stops, and the result says so. */
export class MaterialExhausted extends Error {
  constructor(what: string) {
    super(`prepared material ran out: ${what}`);
    this.name = 'MaterialExhausted';
  }
}

export interface LoadWindow {
  readonly completed: number;
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Workers that stopped early because their prepared material ran out. */
  readonly exhaustedWorkers: number;
}

export async function runClosedLoop(operation: Operation, concurrency: number, seconds: number): Promise<LoadWindow> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let exhaustedWorkers = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async (index: number): Promise<void> => {
    while (performance.now() < deadline) {
      const began = performance.now();
      try {
        await operation(index);
        latencies.push(performance.now() - began);
      } catch (error) {
        if (error instanceof MaterialExhausted) {
          exhaustedWorkers += 1;
          return;
        }
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, index) => worker(index)));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (quantile: number): number => latencies[Math.min(latencies.length - 1, Math.floor(quantile * latencies.length))] ?? 0;
  return { completed: latencies.length, errors, firstError, seconds: elapsed, p50Ms: at(0.5), p99Ms: at(0.99), exhaustedWorkers };
}
