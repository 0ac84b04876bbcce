// The benchmark runner (bench/run.ts) as a real process: a short run against both servers, so the suite cannot rot,
// and its refusals of bad options. It uses the build in dist/, as `npm run bench` does.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseOptions, UsageError } from '../../bench/options.js';
import { PROJECT_ROOT } from '../support/project-root.js';

const TSX_LOADER = import.meta.resolve('tsx');
const folder = mkdtempSync(join(tmpdir(), 'gatehouse-bench-test-'));
after(() => rmSync(folder, { recursive: true, force: true }));

function runBench(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', TSX_LOADER, join(PROJECT_ROOT, 'bench/run.ts'), ...args], { cwd: PROJECT_ROOT, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
  });
}

test('a quick S5 run measures Gatehouse and node-oidc-provider side by side and writes the JSON results', async () => {
  const output = join(folder, 'results.json');
  const { code, stdout, stderr } = await runBench([
    '--quick', '--scenarios', 'S5', '--targets', 'gatehouse,node-oidc-provider', '--seconds', '1', '--concurrency', '4', '--token-pool', '32', '--output', output,
  ]);
  assert.equal(code, 0, stderr);
  const row = stdout.split('\n').find((line) => line.startsWith('| S5 userinfo'));
  assert.ok(row, `a headline row for S5 in:\n${stdout}`);
  const [gatehouse, provider, ratio] = row.split('|').slice(2, 5).map((cell) => cell.trim());
  assert.match(gatehouse ?? '', /^\d+(\.\d)?$/, 'Gatehouse ops per CPU-second');
  assert.match(provider ?? '', /^\d+(\.\d)?$/, 'node-oidc-provider ops per CPU-second');
  assert.match(ratio ?? '', /^\d+\.\d\d×$/);
  const report = JSON.parse(readFileSync(output, 'utf8')) as { scenarios: { id: string; results: { target: string; runs: { completed: number; errors: number }[] }[] }[] };
  const results = report.scenarios.find((scenario) => scenario.id === 'S5')?.results ?? [];
  assert.deepEqual(results.map((result) => result.target), ['gatehouse', 'node-oidc-provider']);
  for (const result of results) {
    assert.ok((result.runs[0]?.completed ?? 0) > 0, `${result.target} completed userinfo requests`);
    assert.equal(result.runs[0]?.errors, 0, `${result.target} answered every request`);
  }
});

test('a bad option stops the runner with one line naming it, and exit code 2', async () => {
  const { code, stderr } = await runBench(['--engine', 'mysql']);
  assert.equal(code, 2);
  assert.match(stderr, /^bench: --engine: expected sqlite or postgres, got "mysql"$/m);
});

test('each option is checked: scenarios and targets by name, numbers by range, unknown options refused', () => {
  assert.throws(() => parseOptions(['--scenarios', 'S2,S9']), { message: '--scenarios: expected some of S1, S2, S3, S3-RS256, S4, S5, S6, got "S2,S9"' });
  assert.throws(() => parseOptions(['--targets', 'keycloak']), { message: '--targets: expected some of gatehouse, node-oidc-provider, node:http, got "keycloak"' });
  assert.throws(() => parseOptions(['--seconds', '0']), { message: '--seconds: expected a whole number 1-600, got "0"' });
  assert.throws(() => parseOptions(['--concurrency', 'many']), { message: '--concurrency: expected a whole number 1-1024, got "many"' });
  assert.throws(() => parseOptions(['--fast']), UsageError);
  assert.deepEqual(parseOptions(['--scenarios', 'S5,S2']).scenarios, ['S2', 'S5']);
  const quick = parseOptions(['--quick']);
  assert.deepEqual([quick.runs, quick.seconds, quick.engine, quick.concurrency], [1, 3, 'sqlite', 32]);
});

test('--workers beyond the CPUs of the machine is refused with one line, and exit code 2', async () => {
  const { code, stderr } = await runBench(['--workers', String(cpus().length + 1), '--scenarios', 'S1']);
  assert.equal(code, 2);
  assert.match(stderr, new RegExp(`^bench: --workers ${cpus().length + 1}: this machine has ${cpus().length} CPUs, one worker per CPU at most$`, 'm'));
});
