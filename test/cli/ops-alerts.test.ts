// `gatehouse ops alerts` as a real process: promtool accepts the rules, and each alert fires only on bad series.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { PROJECT_ROOT } from '../support/project-root.js';
import { promtoolAvailability, runPromtool } from '../support/promtool.js';
import { SECURITY_EVENT_TYPES } from '../../src/observability/events.js';
import { SECURITY_EVENT_CLASSES } from '../../src/ops/security-event-classes.js';
import {
  DEPLOYMENT_SELECTORS, EVALUATION_INTERVAL_MINUTES, SCENARIO_IDENTITY, SCENARIO_SELECTOR, SCENARIOS, TWO_DEPLOYMENTS, type Scenario,
} from './ops-alert-scenarios.js';
import { assertOneLineFailure, runCli } from './run-cli.js';

interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

interface RuleFile {
  readonly groups: ReadonlyArray<{ readonly name: string; readonly rules: ReadonlyArray<AlertRule | { readonly record: string; readonly expr: string }> }>;
}

const RUNBOOK = 'https://git.example.test/gatehouse/blob/main/docs/runbook.md';
const promtool = promtoolAvailability();

function alertRulesOf(rules: RuleFile): AlertRule[] {
  return rules.groups.flatMap((group) => group.rules).filter((rule): rule is AlertRule => 'alert' in rule);
}

/** What promtool renders for an annotation: only `{{ $labels.x }}` templates are used by the rules. */
function renderAnnotations(annotations: Record<string, string>, labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(annotations).map(([name, text]) => [name, text.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, label: string) => labels[label] ?? '')]));
}

/** Series from a job the selector excludes, bad enough to fire everything: with no Gatehouse traffic, nothing may. */
function otherJobOnly(alertNames: readonly string[]): Scenario {
  const other = (metric: string, labels: string): string => `${metric}{job="other",${labels}}`;
  return {
    name: 'no traffic from the selected job',
    series: {
      [other('gatehouse_token_requests_total', 'error="server_error"')]: '0+100x60',
      [other('gatehouse_http_requests_total', 'route="/authorize",status_class="5xx"')]: '0+100x60',
      [other('gatehouse_token_reuse_detections_total', 'kind="refresh_token"')]: '0+1x60',
      [other('gatehouse_pkce_failures_total', 'stage="token"')]: '0+100x60',
    },
    expectations: alertNames.map((alert) => ({ atMinute: 60, alert, firing: [] })),
  };
}

function promtoolTestFile(rules: RuleFile, scenarios: readonly Scenario[], ruleFiles = ['alerts.yml']): string {
  const byName = new Map(alertRulesOf(rules).map((rule) => [rule.alert, rule]));
  const tests = scenarios.map((scenario) => ({
    interval: scenario.interval ?? '1m',
    input_series: Object.entries(scenario.series).map(([series, values]) => ({ series, values })),
    alert_rule_test: scenario.expectations.map(({ atMinute, alert, firing }) => {
      assert.equal(atMinute % EVALUATION_INTERVAL_MINUTES, 0, `${scenario.name}: ${alert} is expected between evaluations`);
      const rule = byName.get(alert);
      assert.ok(rule, `${scenario.name}: no alert named ${alert}`);
      return {
        eval_time: `${atMinute}m`,
        alertname: alert,
        exp_alerts: firing.map((own) => {
          const labels = { ...SCENARIO_IDENTITY, ...own };
          return { exp_labels: { ...rule.labels, ...labels }, exp_annotations: renderAnnotations(rule.annotations, labels) };
        }),
      };
    }),
  }));
  return stringify({ rule_files: ruleFiles, evaluation_interval: `${EVALUATION_INTERVAL_MINUTES}m`, tests }, { lineWidth: 0 });
}

/** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const headings = markdown.split('\n').filter((line) => /^#{1,6} /.test(line));
  return new Set(headings.map((line) => line.replace(/^#+ /, '').trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')));
}

describe('gatehouse ops alerts', () => {
  let folder: string;
  let rules: RuleFile;
  const gatehouse = (args: string[]) => runCli(args, { env: {}, cwd: folder });

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'gatehouse-ops-alerts-'));
    const written = await gatehouse(['ops', 'alerts', '--selector', SCENARIO_SELECTOR, '--runbook-base-url', RUNBOOK, '--output', join(folder, 'alerts.yml')]);
    assert.equal(written.code, 0, written.stderr);
    assert.equal(written.stdout, '');
    rules = parse(await readFile(join(folder, 'alerts.yml'), 'utf8')) as RuleFile;
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('writes rules promtool accepts', promtool, async () => {
    const checked = await runPromtool(['check', 'rules', 'alerts.yml'], folder);
    assert.equal(checked.code, 0, checked.output);
    assert.match(checked.output, /SUCCESS: \d+ rules found/);
  });

  it('fires each alert on bad series and stays silent on healthy ones, burn-rate windows included', promtool, async () => {
    const scenarios = [...SCENARIOS, otherJobOnly(alertRulesOf(rules).map((rule) => rule.alert))];
    const covered = new Set(SCENARIOS.flatMap((scenario) => scenario.expectations.filter((expectation) => expectation.firing.length > 0).map((expectation) => expectation.alert)));
    assert.deepEqual(alertRulesOf(rules).map((rule) => rule.alert).filter((alert) => !covered.has(alert)), [], 'every alert has a scenario where it fires');
    await writeFile(join(folder, 'alerts.test.yml'), promtoolTestFile(rules, scenarios));
    const tested = await runPromtool(['test', 'rules', 'alerts.test.yml'], folder);
    assert.equal(tested.code, 0, tested.output);
  });

  it('keeps two deployments\' ratios and alerts apart when both rule files run in one Prometheus', promtool, async () => {
    for (const [deployment, selector] of Object.entries(DEPLOYMENT_SELECTORS)) {
      const written = await gatehouse(['ops', 'alerts', '--selector', selector, '--runbook-base-url', RUNBOOK, '--output', join(folder, `alerts-${deployment}.yml`)]);
      assert.equal(written.code, 0, written.stderr);
    }
    await writeFile(join(folder, 'deployments.test.yml'), promtoolTestFile(rules, [TWO_DEPLOYMENTS], ['alerts-a.yml', 'alerts-b.yml']));
    const tested = await runPromtool(['test', 'rules', 'deployments.test.yml'], folder);
    assert.equal(tested.code, 0, tested.output);
  });

  it('sorts every security event type into replay, reuse, throttling or context change', () => {
    assert.deepEqual([...SECURITY_EVENT_TYPES].filter((type) => SECURITY_EVENT_CLASSES[type] === undefined), [], 'unclassified security events');
    assert.deepEqual(Object.keys(SECURITY_EVENT_CLASSES).filter((type) => !SECURITY_EVENT_TYPES.has(type as never)), [], 'classified types that are no security event');
  });

  it('gives every alert a severity, a summary, a description and its own section of docs/runbook.md', async () => {
    const anchors = anchorsOf(await readFile(join(PROJECT_ROOT, 'docs/runbook.md'), 'utf8'));
    for (const rule of alertRulesOf(rules)) {
      assert.match(rule.labels.severity ?? '', /^(critical|warning)$/, rule.alert);
      assert.ok(rule.annotations.summary && rule.annotations.description, rule.alert);
      assert.equal(rule.annotations.runbook_url, `${RUNBOOK}#${rule.alert.toLowerCase()}`);
      assert.ok(anchors.has(rule.alert.toLowerCase()), `docs/runbook.md has a section headed ${rule.alert}`);
    }
  });

  it('records the error ratios the burn-rate alerts compare, narrowed by the selector', () => {
    const records = rules.groups.flatMap((group) => group.rules).filter((rule) => 'record' in rule);
    const names = records.map((rule) => ('record' in rule ? rule.record : ''));
    for (const slo of ['token_exchange', 'authorization']) {
      for (const window of ['5m', '30m', '1h', '6h', '3d']) assert.ok(names.includes(`gatehouse:${slo}_error_ratio:rate${window}`), `${slo} ${window}`);
    }
    for (const rule of [...records, ...alertRulesOf(rules)]) {
      for (const selector of rule.expr.match(/gatehouse_\w+(\{[^}]*\})?/g) ?? []) assert.ok(selector.includes('{job="gatehouse"'), `${selector} is narrowed`);
    }
  });

  it('prints to stdout without --output, with the runbook linked relative to the repository', async () => {
    const printed = await gatehouse(['ops', 'alerts']);
    assert.equal(printed.code, 0, printed.stderr);
    const [first] = alertRulesOf(parse(printed.stdout) as RuleFile);
    assert.equal(first?.annotations.runbook_url, `docs/runbook.md#${first?.alert.toLowerCase()}`);
    assert.doesNotMatch(printed.stdout, /job=/);
  });

  it('refuses an unwritable --output and an invalid --selector in one line', async () => {
    const readOnly = join(folder, 'read-only');
    await mkdir(readOnly);
    await chmod(readOnly, 0o500);
    const [missingFolder, unparsable, reserved, badRegex] = await Promise.all([
      gatehouse(['ops', 'alerts', '--output', join(folder, 'missing', 'alerts.yml')]),
      gatehouse(['ops', 'alerts', '--selector', 'job=gatehouse']),
      gatehouse(['ops', 'alerts', '--selector', '__name__="up"']),
      gatehouse(['ops', 'alerts', '--selector', 'job=~"(gatehouse"']),
    ]);
    assertOneLineFailure(missingFolder, 2, /^gatehouse: --output: cannot write .+alerts\.yml \(ENOENT\)\n$/);
    assertOneLineFailure(unparsable, 2, /^gatehouse: --selector: cannot parse "job=gatehouse"; expected label matchers/);
    assertOneLineFailure(reserved, 2, /--selector: the reserved label __name__ cannot be matched/);
    assertOneLineFailure(badRegex, 2, /--selector: the regular expression for job is invalid/);
    // root ignores file modes: the read-only folder only proves something for other users.
    if (process.getuid?.() !== 0) assertOneLineFailure(await gatehouse(['ops', 'alerts', '--output', join(readOnly, 'alerts.yml')]), 2, /\(EACCES\)/);
  });
});
