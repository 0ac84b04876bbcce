// Prometheus' promtool for tests: present, or a skip with the reason; in CI its absence fails the run.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PROMTOOL = '/usr/bin/promtool';

/**
 * Options for `it()`: a skip naming the missing tool, or nothing when promtool is installed.
 * @throws Error in CI (`CI` set), where every check must run: install Debian's `prometheus` package.
 */
export function promtoolAvailability(): { skip?: string } {
  if (existsSync(PROMTOOL)) return {};
  if (process.env.CI) throw new Error(`${PROMTOOL} is missing: CI must check the alerting rules (apt-get install prometheus)`);
  return { skip: `${PROMTOOL} is not installed (Debian package prometheus)` };
}

export interface PromtoolResult {
  readonly code: number;
  readonly output: string;
}

/** Runs `promtool <args>` and returns its exit code with stdout and stderr together, for assertion messages. */
export function runPromtool(args: readonly string[], cwd: string): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    execFile(PROMTOOL, [...args], { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (error === null) resolve({ code: 0, output });
      else if (typeof error.code === 'number') resolve({ code: error.code, output });
      else reject(new Error(`promtool did not run: ${error.message}`));
    });
  });
}
