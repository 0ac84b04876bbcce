// The benchmark runner (bench/run.ts) as a real process: a short run against both servers and a short soak, so the
// suite cannot rot, and its refusals of bad options. It uses the build in dist/, as `npm run bench` does.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseOptions, UsageError } from '../../bench/options.js';
import type { RssSample } from '../../bench/proc.js';
import { rssGrowth, type SoakMeasurement } from '../../bench/soak.js';
import { soakFailures, type SoakReport } from '../../bench/soak-report.js';
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

test('--prefill fills Gatehouse\'s database only, for the benchmark and the soak, and is a count like the others', () => {
  assert.equal(parseOptions([]).prefillRows, 0);
  assert.equal(parseOptions(['--prefill', '1000000', '--targets', 'gatehouse']).prefillRows, 1_000_000);
  assert.equal(parseOptions(['--soak', '--prefill', '5000']).prefillRows, 5000);
  assert.throws(() => parseOptions(['--prefill', '1000']), { message: '--prefill: fills Gatehouse\'s database only, so it takes --targets gatehouse' });
  assert.throws(() => parseOptions(['--prefill', '0', '--targets', 'gatehouse']), { message: '--prefill: expected a whole number 1-10000000, got "0"' });
  assert.throws(() => parseOptions(['--prefill', '20000000', '--targets', 'gatehouse']), UsageError);
});

test('--workers beyond the CPUs of the machine is refused with one line, and exit code 2', async () => {
  const { code, stderr } = await runBench(['--workers', String(cpus().length + 1), '--scenarios', 'S1']);
  assert.equal(code, 2);
  assert.match(stderr, new RegExp(`^bench: --workers ${cpus().length + 1}: this machine has ${cpus().length} CPUs, one worker per CPU at most$`, 'm'));
});

test('a short soak mixes S1 to S5 on one Gatehouse, samples its RSS every second and writes the JSON results', async () => {
  const output = join(folder, 'soak.json');
  const { code, stdout, stderr } = await runBench([
    '--soak', '--soak-seconds', '8', '--warmup-seconds', '2', '--concurrency', '4', '--token-pool', '32', '--output', output,
  ]);
  const report = JSON.parse(readFileSync(output, 'utf8')) as SoakReport;
  // Eight seconds are too few to tell growth from a heap still settling: the verdict must only match the exit code.
  assert.equal(code, report.passed ? 0 : 1, stderr);
  assert.deepEqual(report.failures.filter((failure) => !failure.startsWith('RSS grew')), []);
  assert.deepEqual(report.scenarios.map((scenario) => scenario.id), ['S1', 'S2', 'S3', 'S4', 'S5']);
  for (const scenario of report.scenarios) {
    assert.ok(scenario.completed > 0, `${scenario.id} completed operations`);
    assert.equal(scenario.errors, 0, `${scenario.id} failed no operation`);
  }
  assert.deepEqual([report.answers5xx, report.errorsByKind], [0, {}]);
  assert.ok((report.answersByStatus['200'] ?? 0) > 0, 'answers by status');
  assert.ok(report.rss.samples.length >= 8, 'a sample every second');
  assert.equal(report.rss.windowSeconds, 3);
  assert.ok(report.rss.baselineMiB > 0 && report.rss.endMiB > 0 && report.rss.peakMiB >= report.rss.endMiB);
  assert.deepEqual(report.settings, { seconds: 8, warmupSeconds: 2, concurrency: 4, tokenPoolSize: 32 });
  assert.match(stdout, /^\| [\d.]+ MiB \| [\d.]+ MiB \| [\d.]+ MiB \| [+-][\d.]+% \|$/m, 'the RSS row');
  assert.match(stdout, /^Answers by status: .*; 5xx: 0\.$/m);
  assert.match(stdout, /^Soak (passed|failed): /m);
  assert.match(stderr, /^soak 0\/8 s \(warm-up\): RSS [\d.]+ MiB/m, 'progress on stderr');
});

test('the soak runs Gatehouse only: any other target is refused with one line, and exit code 2', async () => {
  const { code, stderr } = await runBench(['--soak', '--targets', 'node-oidc-provider']);
  assert.equal(code, 2);
  assert.match(stderr, /^bench: --soak runs Gatehouse only, not --targets node-oidc-provider$/m);
});

test('soak options: 300 s after 30 s of warm-up at concurrency 32 unless told, and only options that apply to it', () => {
  const soak = parseOptions(['--soak', '--engine', 'postgres']);
  assert.deepEqual([soak.soakSeconds, soak.warmupSeconds, soak.concurrency, soak.engine, soak.targets], [300, 30, 32, 'postgres', ['gatehouse']]);
  assert.equal(parseOptions(['--soak', '--targets', 'gatehouse', '--soak-seconds', '60', '--warmup-seconds', '5']).soakSeconds, 60);
  assert.equal(parseOptions([]).soakSeconds, undefined);
  assert.equal(parseOptions(['--warmup-seconds', '4']).warmupSeconds, 4);
  assert.throws(() => parseOptions(['--soak', '--targets', 'gatehouse,node:http']), { message: '--soak runs Gatehouse only, not --targets gatehouse,node:http' });
  assert.throws(() => parseOptions(['--soak', '--scenarios', 'S1']), { message: '--soak: --scenarios applies to the side-by-side benchmark, not the soak' });
  assert.throws(() => parseOptions(['--soak-seconds', '60']), { message: '--soak-seconds: only with --soak' });
  assert.throws(() => parseOptions(['--soak', '--soak-seconds', '31']), { message: '--soak-seconds 31: at least 2 s longer than the 30 s warm-up' });
  assert.throws(() => parseOptions(['--soak', '--soak-seconds', '481']), UsageError);
});

const samplesOf = (mib: (second: number) => number, seconds: number): RssSample[] =>
  Array.from({ length: seconds + 1 }, (_, second) => ({ second: second + 0.003, mib: mib(second) }));

test('RSS growth compares the median of the 30 s after the warm-up with the median of the last 30 s', () => {
  // A collection's dip and a spike in either window move neither median.
  const samples = samplesOf((second) => (second === 40 ? 300 : second === 100 ? 50 : second < 30 ? 80 : second < 90 ? 100 : 105), 120);
  const growth = rssGrowth(samples, 30, 120);
  assert.deepEqual([growth.windowSeconds, growth.baselineMiB, growth.endMiB, growth.peakMiB, growth.growthPercent], [30, 100, 105, 300, 5]);
  assert.equal(rssGrowth(samplesOf(() => 100, 8), 2, 8).windowSeconds, 3, 'shorter windows for a short soak');
});

test('the soak fails on RSS growth of 10% or more, on any 5xx answer, and on any failed operation', () => {
  const measurement = (growthPercent: number, answers5xx: number, errors: number): SoakMeasurement => ({
    seconds: 120, serverCpuSeconds: 100, p50Ms: 1, p99Ms: 2,
    rss: { windowSeconds: 30, baselineMiB: 100, endMiB: 100 + growthPercent, peakMiB: 120, growthPercent, samples: [] },
    scenarios: [{ id: 'S1', title: 'S1', completed: 10, errors }], errorsByKind: {}, answersByStatus: {}, answers5xx,
  });
  assert.deepEqual(soakFailures(measurement(9.9, 0, 0)), []);
  assert.deepEqual(soakFailures(measurement(10, 2, 3)), ['RSS grew +10.0% from baseline to end, the limit is under 10%', '2 answers were 5xx', '3 operations failed']);
});
