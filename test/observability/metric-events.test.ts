// What the catalogue counts for events and observations the flow tests do not reach easily.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventBus } from '../../src/observability/events.js';
import { GatehouseMetrics } from '../../src/observability/metrics.js';
import { parseExposition, valueOf } from '../support/prometheus.js';

const NOW = 1_700_000_000;

function metricsWithEvents(): { metrics: GatehouseMetrics; events: EventBus } {
  const metrics = new GatehouseMetrics({ clientLabelLimit: 10, clock: () => NOW });
  const events = new EventBus((error) => assert.fail(String(error)));
  metrics.attach(events);
  metrics.clients.rank(['client-a']);
  return { metrics, events };
}

/** The sum of the samples of `name` whose labels include `labels`, as a scraper reads them. */
async function sampleOf(metrics: GatehouseMetrics, name: string, labels: Record<string, string>): Promise<number> {
  return valueOf(parseExposition((await metrics.scrape()).body), name, labels);
}

describe('metric events', () => {
  it('counts a benign refresh retry as a successful refresh', async () => {
    const { metrics, events } = metricsWithEvents();
    events.emit({ type: 'refresh_token.retried', clientId: 'client-a', familyId: 'family-1', userId: 'user-1' });
    assert.equal(await sampleOf(metrics, 'gatehouse_token_requests_total', { grant_type: 'refresh_token', client_id: 'client-a', error: 'none' }), 1);
  });

  it('times a session revoked from its start, as ended_by revoked', async () => {
    const { metrics, events } = metricsWithEvents();
    events.emit({ type: 'session.ended', userId: 'user-1', startedAt: NOW - 600, endedBy: 'revoked' });
    assert.equal(await sampleOf(metrics, 'gatehouse_session_duration_seconds_count', { ended_by: 'revoked' }), 1);
    assert.equal(await sampleOf(metrics, 'gatehouse_session_duration_seconds_bucket', { ended_by: 'revoked', le: '900' }), 1);
    assert.equal(await sampleOf(metrics, 'gatehouse_session_duration_seconds_bucket', { ended_by: 'revoked', le: '300' }), 0);
  });

  it('labels a method outside the common ones as other', async () => {
    const { metrics } = metricsWithEvents();
    metrics.observeHttpRequest({ route: '/token', method: 'PROPFIND', status: 405, seconds: 0.001 });
    metrics.observeHttpRequest({ route: '/token', method: 'GET', status: 405, seconds: 0.001 });
    assert.equal(await sampleOf(metrics, 'gatehouse_http_requests_total', { route: '/token', method: 'other', status_class: '4xx' }), 1);
    assert.equal(await sampleOf(metrics, 'gatehouse_http_requests_total', { route: '/token', method: 'GET', status_class: '4xx' }), 1);
  });

  it('counts security webhook deliveries by outcome', async () => {
    const { metrics } = metricsWithEvents();
    for (const outcome of ['delivered', 'delivered', 'failed', 'dropped'] as const) metrics.observeWebhookDelivery(outcome);
    assert.equal(await sampleOf(metrics, 'gatehouse_security_webhook_deliveries_total', { outcome: 'delivered' }), 2);
    assert.equal(await sampleOf(metrics, 'gatehouse_security_webhook_deliveries_total', { outcome: 'failed' }), 1);
    assert.equal(await sampleOf(metrics, 'gatehouse_security_webhook_deliveries_total', { outcome: 'dropped' }), 1);
  });
});
