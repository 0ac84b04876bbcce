// Tests for the dashboard's time series: a registry with the catalogue's names, sampled by hand under a test clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Registry } from 'prom-client';
import { breakdownIncrease, countOf, histogramQuantile, measureWindow, ratioOf, tokenLatencyQuantile } from './dashboard-figures.js';
import { defineCatalogue } from './metric-catalogue.js';
import { DASHBOARD_METRIC_NAMES, readSnapshot } from './metric-snapshot.js';
import { coversRange, MetricTimeSeries, type Scheduler } from './time-series.js';
import { renderAdminPage } from '../ui/admin-page.js';
import { html } from '../ui/html.js';

/** The catalogue's metrics, as the metrics module registers them: the names are never retyped here. */
function catalogue() {
  const registry = new Registry();
  return { registry, ...defineCatalogue(registry) };
}

/** Floating-point figures compare within a rounding error. */
function assertNear(actual: number | null, expected: number): void {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${actual} is not ${expected}`);
}

/** A scheduler that never fires on its own: the test samples by hand and sees whether it was stopped. */
function handScheduler(): { schedule: Scheduler; intervals: number[]; stopped: () => boolean } {
  const intervals: number[] = [];
  let stopped = false;
  return {
    intervals,
    stopped: () => stopped,
    schedule: (_tick, intervalMs) => {
      intervals.push(intervalMs);
      return () => (stopped = true);
    },
  };
}

describe('metric time series', () => {
  it('reads counter sums, label filters, breakdowns and summed latency buckets; absent metrics read as zero', async () => {
    const metrics = catalogue();
    metrics.tokenRequests.inc({ grant_type: 'authorization_code', client_id: 'a', error: 'none' }, 3);
    metrics.tokenRequests.inc({ grant_type: 'refresh_token', client_id: 'b', error: 'invalid_grant' }, 2);
    metrics.tokenRequestDuration.observe({ grant_type: 'authorization_code' }, 0.007);
    metrics.tokenRequestDuration.observe({ grant_type: 'refresh_token' }, 0.2);
    metrics.httpRequests.inc({ route: '/token', method: 'POST', status_class: '5xx' });
    metrics.httpRequests.inc({ route: '/token', method: 'POST', status_class: '2xx' }, 4);
    const snapshot = await readSnapshot(metrics.registry, 100);
    assert.equal(snapshot.at, 100);
    assert.deepEqual([snapshot.counters.tokenRequests, snapshot.counters.tokenSucceeded], [5, 3]);
    assert.deepEqual([snapshot.counters.httpRequests, snapshot.counters.httpServerErrors], [5, 1]);
    assert.deepEqual(snapshot.breakdowns.tokenErrorsByCode, { invalid_grant: 2 });
    assert.deepEqual(snapshot.tokenLatency.slice(0, 2), [{ upperBound: 0.005, count: 0 }, { upperBound: 0.01, count: 1 }]);
    assert.deepEqual(snapshot.tokenLatency.at(-1), { upperBound: Infinity, count: 2 });

    const empty = await readSnapshot(new Registry(), 100);
    assert.equal(empty.counters.authorizationRequests, 0);
    assert.deepEqual([empty.breakdowns.securityEventsByType, empty.tokenLatency], [{}, []]);
  });

  it('keeps the last hour at 10 s and the last day at 5 min, and ends every window with a live reading', async () => {
    const metrics = catalogue();
    let now = 1_000_000;
    const scheduler = handScheduler();
    const series = new MetricTimeSeries({ registry: metrics.registry, clock: () => now, schedule: scheduler.schedule, onError: (error) => assert.fail(String(error)) });
    series.start();
    assert.deepEqual(scheduler.intervals, [10_000]);
    // 2 h of samples at 10 s: each interval has one authorization request.
    for (let step = 0; step < 720; step += 1) {
      now += 10;
      metrics.authorizationRequests.inc({ client_id: 'a' });
      await series.sample();
    }
    metrics.authorizationRequests.inc({ client_id: 'a' }, 5);
    const hour = await series.window('hour');
    assert.equal(hour.length, 362, '361 stored samples and the live one');
    assert.equal(hour[0]!.at, now - 3600);
    assert.equal(hour.at(-1)!.at, now);
    assert.equal(measureWindow(countOf('authorizationRequests'), hour).total, 365);

    const day = await series.window('day');
    assert.ok(day.every((sample, index) => index === 0 || index === day.length - 1 || sample.at - day[index - 1]!.at === 300));
    assert.equal(day[0]!.at, 1_000_000, 'the first sample of the process is the day\'s baseline');
    assert.equal(measureWindow(countOf('authorizationRequests'), day).total, 725);
    series.stop();
    assert.equal(scheduler.stopped(), true);
  });

  it('calls a window of a process older than the range the whole range, whenever the page is read between samples', async () => {
    const metrics = catalogue();
    const started = 1_000_000;
    let now = started;
    const series = new MetricTimeSeries({ registry: metrics.registry, clock: () => now, schedule: handScheduler().schedule, onError: (error) => assert.fail(String(error)) });
    series.start();
    const coverage = async (range: 'hour' | 'day') => {
      const window = await series.window(range);
      return now - window[0]!.at;
    };
    // 23 h: younger than the day, older than the hour.
    for (; now < started + 23 * 3600; now += 10) await series.sample();
    assert.equal(coversRange('day', await coverage('day')), false);
    assert.equal(coversRange('hour', await coverage('hour')), true);
    for (; now < started + 25 * 3600; now += 10) await series.sample();
    for (const late of [0, 5, 150, 295]) {
      now += late;
      const covered = await coverage('day');
      assert.equal(coversRange('day', covered), true, `${covered} s read ${late} s after a sample`);
      const page = renderAdminPage({ title: 'x', view: 'executive', range: 'day', covered, body: html`` }).html;
      assert.match(page, /over the last day;/);
      now -= late;
    }
    series.stop();
  });

  it('reads only metrics the catalogue defines', async () => {
    const registry = new Registry();
    defineCatalogue(registry);
    const catalogue = new Map((await registry.getMetricsAsJSON()).map((metric) => [metric.name, metric]));
    const missing = [...DASHBOARD_METRIC_NAMES].filter((name) => !catalogue.has(name));
    assert.deepEqual(missing, [], 'a misspelled name would read as zero forever');
  });

  it('reports a failed reading and keeps sampling', async () => {
    const failures: unknown[] = [];
    const broken = new Registry();
    new Counter({ name: 'gatehouse_security_events_total', help: 'h', registers: [broken], collect: () => { throw new Error('collector broke'); } });
    const series = new MetricTimeSeries({ registry: broken, clock: () => 5, schedule: handScheduler().schedule, onError: (error) => failures.push(error) });
    series.start();
    await new Promise((resolve) => setImmediate(resolve));
    assert.match(String(failures[0]), /collector broke/);
    series.stop();
  });
});

describe('dashboard figures', () => {
  it('rates increases between samples, caps a ratio at 1, has no rate without a denominator, and survives a reset', async () => {
    const metrics = catalogue();
    const first = await readSnapshot(metrics.registry, 0);
    metrics.authorizationRequests.inc({ client_id: 'a' }, 4);
    metrics.authorizationCodesIssued.inc({ client_id: 'a' }, 3);
    metrics.consentDecisions.inc({ client_id: 'a', decision: 'deny' });
    metrics.consentDecisions.inc({ client_id: 'a', decision: 'allow' }, 3);
    const second = await readSnapshot(metrics.registry, 10);
    metrics.authorizationCodesIssued.inc({ client_id: 'a' }, 2);
    const third = await readSnapshot(metrics.registry, 20);

    const success = measureWindow(ratioOf('codesIssued', 'authorizationRequests'), [first, second, third]);
    assert.deepEqual(success.points, [{ from: 0, at: 10, value: 0.75 }, { from: 10, at: 20, value: null }]);
    assert.equal(success.total, 1, '5 codes for 4 requests is capped at all of them');
    assert.equal(measureWindow(ratioOf('consentDenied', 'consentDecisions'), [first, third]).total, 0.25);
    assert.equal(measureWindow(countOf('codesIssued'), [third, first]).total, 0, 'a counter that restarted counts from zero');
    assert.deepEqual(measureWindow(countOf('codesIssued'), [third]), { total: null, points: [] });
  });

  it('interpolates quantiles within buckets as PromQL does, from bucket increases only', async () => {
    const buckets = [{ upperBound: 0.1, count: 50 }, { upperBound: 0.5, count: 90 }, { upperBound: 1, count: 100 }, { upperBound: Infinity, count: 100 }];
    assert.equal(histogramQuantile(0.5, buckets), 0.1);
    assertNear(histogramQuantile(0.7, buckets), 0.3);
    assertNear(histogramQuantile(0.95, buckets), 0.75);
    assert.equal(histogramQuantile(0.99, [{ upperBound: 1, count: 1 }, { upperBound: Infinity, count: 10 }]), 1, 'beyond the last bound: that bound');
    assert.equal(histogramQuantile(0.99, []), null);

    const metrics = catalogue();
    metrics.tokenRequestDuration.observe({ grant_type: 'refresh_token' }, 4);
    const before = await readSnapshot(metrics.registry, 0);
    for (let request = 0; request < 100; request += 1) metrics.tokenRequestDuration.observe({ grant_type: 'authorization_code' }, request < 96 ? 0.003 : 0.2);
    const after = await readSnapshot(metrics.registry, 10);
    assertNear(tokenLatencyQuantile(0.95)(before, after), 0.005 * (95 / 96));
    assertNear(tokenLatencyQuantile(0.99)(before, after), 0.1 + 0.15 * (3 / 4));
  });

  it('breaks an increase down by label, largest first, leaving out what did not move', () => {
    assert.deepEqual(breakdownIncrease({ 'code.replayed': 2, 'login.throttled': 1 }, { 'code.replayed': 2, 'login.throttled': 4, 'refresh_token.reused': 3 }), [
      ['login.throttled', 3],
      ['refresh_token.reused', 3],
    ]);
  });
});
