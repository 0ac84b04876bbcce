// What `gatehouse ops` reads is what a real server serves: every metric, label and label value its rules and dashboard
// select on shows on /metrics after a scripted flow, and the series the alerts count from zero are there at start.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { SECURITY_EVENT_TYPES } from '../../src/observability/events.js';
import { buildRuleFile } from '../../src/ops/alert-rules.js';
import { buildDashboard } from '../../src/ops/dashboard.js';
import { OPS_METRIC_NAMES } from '../../src/ops/metrics-used.js';
import { authorizeUrl, CODE_VERIFIER, hiddenFields } from '../support/authorization.js';
import type { BrowserLike } from '../support/browser-like.js';
import { engines } from '../support/database.js';
import { createClient, createUser, postToken, REDIRECT_URI, type TokenResponseBody } from '../support/flow-fixtures.js';
import { beginInteraction, PASSWORD, postLogin } from '../support/login.js';
import { parseExposition, scrape, type Sample } from '../support/prometheus.js';
import { pushedAuthorizeUrl, pushRequest } from '../support/pushed-requests.js';
import { runScriptedFlow } from '../support/scripted-flow.js';
import { useTestServer, type TestServer } from '../support/server.js';

const METRICS_TOKEN = 'ops-metrics-scraper-token-0123456789abcdef';
const SCOPE = 'openid profile offline_access';

/**
 * Values only a failing server produces (a 5xx, a server_error answer): a healthy test server cannot show them, so for
 * these the label itself must be served; their form is that of the values served beside them.
 */
const SERVER_FAILURE_VALUES: Readonly<Record<string, readonly string[]>> = {
  status_class: ['5xx'],
  error: ['server_error', 'temporarily_unavailable'],
};

interface Selection {
  readonly metric: string;
  readonly label: string;
  /** Every value matched or excluded (a regex's alternatives each), or [] for a `by` label. */
  readonly values: readonly string[];
}

/** Every `metric{label op "value"}` and every `by (labels) (rate|increase(metric` of the expressions. */
function selectionsOf(expressions: readonly string[]): Selection[] {
  const selections: Selection[] = [];
  for (const expr of expressions) {
    for (const [, metric = '', inside = ''] of expr.matchAll(/(gatehouse_\w+)\{([^}]*)\}/g)) {
      for (const [, label = '', , value = ''] of inside.matchAll(/(\w+)(=~|!~|!=|=)"((?:[^"\\]|\\.)*)"/g)) {
        selections.push({ metric, label, values: value.replace(/\\/g, '').split('|') });
      }
    }
    for (const [, labels = '', metric = ''] of expr.matchAll(/by \(([^)]*)\)\s*\((?:rate|increase)\((gatehouse_\w+)/g)) {
      for (const label of labels.split(',').map((name) => name.trim())) selections.push({ metric, label, values: [] });
    }
  }
  return selections;
}

/** Follows a browser to the redirect carrying the code or error, answering consent with `decision`. */
async function finish(browser: BrowserLike, response: Response, decision: 'allow' | 'deny'): Promise<URLSearchParams> {
  let current = await browser.follow(response);
  if (current.status === 200) current = await browser.postForm('/consent', { ...hiddenFields(await current.text()), decision });
  assert.equal(current.status, 303);
  return new URL(current.headers.get('location') ?? '').searchParams;
}

/** Success and refusal at every step the rules and dashboard read: /par, login, consent allow and deny, /token. */
async function runFlows(server: TestServer): Promise<void> {
  const grants = { grantTypes: ['authorization_code', 'refresh_token'] as const, scope: SCOPE };
  const [as, declined, pushing] = [await createClient(server, grants), await createClient(server, grants), await createClient(server, grants)];
  const user = await createUser(server);
  await runScriptedFlow(server, as, user);
  const flow = await beginInteraction(server, declined.client, { scope: SCOPE });
  assert.equal((await postLogin(flow, { username: user.username, password: 'wrong' })).status, 200);
  const denied = await finish(flow.browser, await postLogin(flow, { username: user.username, password: PASSWORD }), 'deny');
  assert.equal(denied.get('error'), 'access_denied');
  const pushed = await finish(flow.browser, await flow.browser.get(pushedAuthorizeUrl(pushing.client.clientId, await pushRequest(server, pushing, { scope: SCOPE }))), 'allow');
  const redeem = (code: string | null, verifier = CODE_VERIFIER) =>
    postToken(server, { grant_type: 'authorization_code', code: code ?? '', redirect_uri: REDIRECT_URI, code_verifier: verifier }, { as: pushing });
  const tokens = (await (await redeem(pushed.get('code'))).json()) as TokenResponseBody;
  const second = await finish(flow.browser, await flow.browser.get(authorizeUrl(pushing.client, { scope: SCOPE })), 'allow');
  assert.equal((await redeem(second.get('code'), 'x'.repeat(43))).status, 400, 'a verifier that does not match');
  const refresh = () => postToken(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '' }, { as: pushing });
  const first = await refresh();
  assert.equal(first.status, 200, await first.text());
  assert.equal((await refresh()).status, 400, 'the rotated refresh token reused');
  assert.equal((await redeem(pushed.get('code'))).status, 400, 'the code replayed');
  assert.equal((await flow.browser.get(authorizeUrl(as.client, { redirect_uri: 'https://evil.example/cb' }))).status, 400);
  assert.equal((await flow.browser.get(authorizeUrl(as.client, { code_challenge_method: 'plain' }))).status, 303);
}

const sqlite = engines.find((engine) => engine.name === 'sqlite');
assert.ok(sqlite);

describe('the metrics gatehouse ops reads, as a real server serves them', () => {
  const suite = useTestServer(sqlite, { GATEHOUSE_METRICS_BEARER_TOKEN: METRICS_TOKEN, GATEHOUSE_TOKENS_REFRESH_RETRY_WINDOW: '0' });
  const read = async (): Promise<Sample[]> => {
    const response = await scrape(`${suite.server.url}/metrics`, `Bearer ${METRICS_TOKEN}`);
    assert.equal(response.status, 200);
    return parseExposition(await response.text());
  };
  let atStart: Sample[];
  let afterFlows: Sample[];

  before(async () => {
    atStart = await read();
    await runFlows(suite.server);
    afterFlows = await read();
  });

  it('serves the series the detection alerts count up from, at zero, before anything happened', () => {
    const zero = (name: string, labels: Record<string, string>) =>
      atStart.some((sample) => sample.name === name && sample.value === 0 && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
    for (const kind of ['authorization_code', 'refresh_token']) assert.ok(zero('gatehouse_token_reuse_detections_total', { kind }), kind);
    for (const stage of ['authorize', 'token']) assert.ok(zero('gatehouse_pkce_failures_total', { stage }), stage);
    for (const type of SECURITY_EVENT_TYPES) assert.ok(zero('gatehouse_security_events_total', { type }), type);
  });

  it('serves every metric, label and label value the rules and the dashboard select on', () => {
    const expressions = [JSON.stringify(buildRuleFile({ selector: '', runbookBaseUrl: '' })), JSON.stringify(buildDashboard(''))];
    const text = expressions.map((expression) => expression.replace(/\\"/g, '"').replace(/\\\\/g, '\\'));
    const served = new Set(afterFlows.map((sample) => sample.name));
    assert.deepEqual(OPS_METRIC_NAMES.filter((name) => !served.has(name)), [], 'metrics the rules or dashboard read that the server does not serve');
    const selections = selectionsOf(text);
    assert.ok(selections.some((selection) => selection.label === 'decision') && selections.some((selection) => selection.label === 'kind'), 'the expressions were read');
    for (const { metric, label, values } of selections) {
      const valuesServed = new Set(afterFlows.filter((sample) => sample.name === metric).map((sample) => sample.labels[label]));
      assert.ok(!valuesServed.has(undefined) && valuesServed.size > 0, `${metric} is served with the label ${label}`);
      for (const value of values.filter((candidate) => !(SERVER_FAILURE_VALUES[label] ?? []).includes(candidate))) {
        assert.ok(valuesServed.has(value), `${metric}{${label}="${value}"} is served (served: ${[...valuesServed].join(', ')})`);
      }
    }
    const statusClasses = afterFlows.filter((sample) => sample.name === 'gatehouse_http_requests_total').map((sample) => sample.labels.status_class ?? '');
    assert.ok(statusClasses.every((value) => /^[1-5]xx$/.test(value)), 'status_class has the form of "5xx"');
  });
});
