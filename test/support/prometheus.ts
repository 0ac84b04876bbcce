// Reads Prometheus text exposition strictly, as a scraper would, and checks it with promtool when installed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const METRIC_NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE_LINE = new RegExp(`^(${METRIC_NAME})(?:\\{(.*)\\})? (\\S+)$`);
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(,|$)/y;
const TYPE_LINE = new RegExp(`^# TYPE (${METRIC_NAME}) (counter|gauge|histogram|summary|untyped)$`);
const HELP_LINE = new RegExp(`^# HELP (${METRIC_NAME}) .*$`);
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created', ''];

function parseLabels(text: string | undefined, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (text === undefined || text === '') return labels;
  LABEL_PAIR.lastIndex = 0;
  while (LABEL_PAIR.lastIndex < text.length) {
    const match = LABEL_PAIR.exec(text);
    assert.ok(match, `malformed labels in: ${line}`);
    assert.equal(labels[match[1]!], undefined, `label repeated in: ${line}`);
    labels[match[1]!] = match[2]!.replace(/\\(["\\n])/g, (_all, escaped: string) => (escaped === 'n' ? '\n' : escaped));
  }
  return labels;
}

/** Every sample; fails on any line that is not HELP, TYPE or a well-formed sample of a declared family. */
export function parseExposition(text: string): Sample[] {
  const families = new Set<string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || HELP_LINE.test(line)) continue;
    const type = TYPE_LINE.exec(line);
    if (type) {
      assert.ok(!families.has(type[1]!), `family declared twice: ${type[1]}`);
      families.add(type[1]!);
      continue;
    }
    const sample = SAMPLE_LINE.exec(line);
    assert.ok(sample, `not a sample line: ${line}`);
    const name = sample[1]!;
    assert.ok(SUFFIXES.some((suffix) => name.endsWith(suffix) && families.has(name.slice(0, name.length - suffix.length))), `sample of an undeclared family: ${line}`);
    const value = Number(sample[3]!.replace(/^\+Inf$/, 'Infinity'));
    assert.ok(!Number.isNaN(value) || /^nan$/i.test(sample[3]!), `not a number: ${line}`);
    samples.push({ name, labels: parseLabels(sample[2], line), value });
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include `labels`. */
export function valueOf(samples: readonly Sample[], name: string, labels: Readonly<Record<string, string>> = {}): number {
  return samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

/** prom-client's own process metrics keep their upstream names, which promtool's lint dislikes. */
const UPSTREAM_LINT = /^nodejs_active_(handles|requests|resources)_total non-counter metrics should not have "_total" suffix$/;

/** `promtool check metrics` (CI installs it): the text parses, and no lint problem but the upstream names'. */
export function checkWithPromtool(text: string): void {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') return;
  const problems = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.trim() !== '' && !UPSTREAM_LINT.test(line));
  assert.deepEqual(problems, [], 'promtool check metrics');
  assert.ok(result.status === 0 || result.status === 3, `promtool exited ${String(result.status)}`);
}

/** GETs `url` (a /metrics URL) with `authorization` when given. */
export function scrape(url: string, authorization?: string): Promise<Response> {
  return fetch(url, { headers: authorization === undefined ? {} : { authorization } });
}
