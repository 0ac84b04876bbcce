// `gatehouse ops dashboard` as a real process: Grafana's structure, every query valid PromQL, only catalogue metrics.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { OPS_METRIC_NAMES } from '../../src/ops/metrics-used.js';
import { AUTHORIZATION_FLOW_ROUTES } from '../../src/ops/slos.js';
import { AUTHORIZE_PATH, RESUME_PATH } from '../../src/http/routes/authorize.js';
import { CONSENT_PATH } from '../../src/http/routes/consent.js';
import { LOGIN_PATH } from '../../src/http/routes/login.js';
import { PUSHED_AUTHORIZATION_REQUEST_PATH } from '../../src/http/routes/pushed-authorization-request.js';
import { promtoolAvailability, runPromtool } from '../support/promtool.js';
import { assertOneLineFailure, runCli } from './run-cli.js';

interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource?: { readonly type: string; readonly uid: string };
  readonly targets?: ReadonlyArray<{ readonly expr: string; readonly refId: string; readonly datasource: { readonly uid: string } }>;
}

interface Dashboard {
  readonly schemaVersion: number;
  readonly templating: { readonly list: ReadonlyArray<Record<string, unknown>> };
  readonly panels: readonly Panel[];
}

const promtool = promtoolAvailability();

/** Grafana fills these in before querying; promtool needs real durations. */
const withGrafanaVariables = (expr: string): string => expr.replaceAll('$__rate_interval', '5m').replaceAll('$__range', '1d');

describe('gatehouse ops dashboard', () => {
  let folder: string;
  let dashboard: Dashboard;
  let queries: string[];
  const gatehouse = (args: string[]) => runCli(args, { env: {}, cwd: folder });

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'gatehouse-ops-dashboard-'));
    const written = await gatehouse(['ops', 'dashboard', '--selector', '{job="gatehouse", namespace=~"auth-.*"}', '--output', join(folder, 'dashboard.json')]);
    assert.equal(written.code, 0, written.stderr);
    dashboard = JSON.parse(await readFile(join(folder, 'dashboard.json'), 'utf8')) as Dashboard;
    queries = dashboard.panels.flatMap((panel) => panel.targets ?? []).map((target) => target.expr);
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('is a Grafana dashboard with a Prometheus data source variable and executive, on-call and debug rows', () => {
    assert.equal(dashboard.schemaVersion, 39);
    assert.ok(dashboard.templating.list.some((variable) => variable.name === 'datasource' && variable.type === 'datasource' && variable.query === 'prometheus'));
    assert.deepEqual(dashboard.panels.filter((panel) => panel.type === 'row').map((row) => row.title), ['Executive', 'On call', 'Debug']);
    const titles = dashboard.panels.map((panel) => panel.title);
    for (const title of ['Authorization success rate', 'Consent decline rate', 'Security events', 'Token exchange success', 'Token endpoint latency', '5xx rate by route', 'PKCE failures', 'Redirect URI errors', 'Token failures by client and error']) {
      assert.ok(titles.includes(title), `a panel titled ${title}`);
    }
    assert.equal(new Set(dashboard.panels.map((panel) => panel.id)).size, dashboard.panels.length, 'panel ids are unique');
    for (const panel of dashboard.panels.filter((candidate) => candidate.type !== 'row')) {
      assert.ok(panel.gridPos.x + panel.gridPos.w <= 24, `${panel.title} fits the grid`);
      assert.equal(panel.datasource?.uid, '${datasource}', panel.title);
      assert.ok((panel.targets ?? []).length > 0 && panel.targets?.every((target) => target.datasource.uid === '${datasource}'), panel.title);
    }
    for (const selector of queries.flatMap((query) => query.match(/gatehouse_\w+(\{[^}]*\})?/g) ?? [])) {
      assert.ok(selector.includes('{job="gatehouse",namespace=~"auth-.*"'), `${selector} is narrowed by the selector`);
    }
  });

  it('asks Prometheus only valid PromQL', promtool, async () => {
    const rules = { groups: [{ name: 'dashboard', rules: queries.map((expr, index) => ({ record: `dashboard:query_${index}`, expr: withGrafanaVariables(expr) })) }] };
    await writeFile(join(folder, 'queries.yml'), stringify(rules, { lineWidth: 0 }));
    const checked = await runPromtool(['check', 'rules', 'queries.yml'], folder);
    assert.equal(checked.code, 0, checked.output);
  });

  it('reads only the metrics OPS_METRIC_NAMES lists, and the rules and dashboard together read each of them', async () => {
    const alerts = await gatehouse(['ops', 'alerts']);
    assert.equal(alerts.code, 0, alerts.stderr);
    const read = new Set([...queries.join('\n').matchAll(/gatehouse_\w+/g), ...alerts.stdout.matchAll(/gatehouse_\w+/g)].map(([name]) => name));
    assert.deepEqual([...read].sort(), [...OPS_METRIC_NAMES].sort());
  });

  it('counts 5xx on the routes Gatehouse registers for the authorization flow', () => {
    const registered = [AUTHORIZE_PATH, RESUME_PATH, PUSHED_AUTHORIZATION_REQUEST_PATH, LOGIN_PATH, CONSENT_PATH];
    assert.deepEqual([...AUTHORIZATION_FLOW_ROUTES].sort(), registered.sort());
  });

  it('refuses an invalid --selector in one line', async () => {
    assertOneLineFailure(await gatehouse(['ops', 'dashboard', '--selector', '{job="gatehouse"']), 2, /^gatehouse: --selector: cannot parse "\{job="gatehouse""/);
  });
});
