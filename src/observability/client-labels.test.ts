// The client_id label stays bounded however many clients show up, and goes to the most active clients, not the first seen.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventBus } from './events.js';
import { GatehouseMetrics } from './metrics.js';

const LIMIT = 50;
const FLOOD = 10_000;

/** The client_id label values of every series in the registry. */
async function clientLabels(metrics: GatehouseMetrics): Promise<Map<string, number>> {
  const labels = new Map<string, number>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    for (const { labels: sampleLabels, value } of metric.values) {
      const clientId = sampleLabels.client_id;
      if (typeof clientId === 'string') labels.set(clientId, (labels.get(clientId) ?? 0) + value);
    }
  }
  return labels;
}

function metricsWithEvents(limit: number): { metrics: GatehouseMetrics; events: EventBus } {
  const metrics = new GatehouseMetrics({ clientLabelLimit: limit, clock: () => 0 });
  const events = new EventBus((error) => assert.fail(String(error)));
  metrics.attach(events);
  return { metrics, events };
}

const ids = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, index) => `client-${from + index}`);

describe('capped client_id labels', () => {
  it('labels the most active N clients, counts the rest as other and requests naming none as unknown', async () => {
    const { metrics, events } = metricsWithEvents(LIMIT);
    // The ranking names the busiest clients first: the last ones of the flood.
    metrics.clients.rank(ids(FLOOD - metrics.clients.rankingLength, FLOOD).reverse());
    for (const clientId of ids(0, FLOOD)) events.emit({ type: 'authorization.requested', clientId });
    events.emit({ type: 'token.failed', clientId: null, grantType: null, error: 'invalid_client', reason: null, refusedByGrant: false });

    const labels = await clientLabels(metrics);
    assert.equal(labels.size, LIMIT + 2);
    assert.equal(labels.get('other'), FLOOD - LIMIT);
    assert.equal(labels.get('unknown'), 1);
    assert.equal(labels.get(`client-${FLOOD - 1}`), 1);
    assert.equal(labels.get(`client-${FLOOD - LIMIT}`), 1);
    assert.equal(labels.get(`client-${FLOOD - LIMIT - 1}`), undefined);
    assert.equal(labels.get('client-0'), undefined);
  });

  it('moves no label for a burst of requests naming quiet clients at start', async () => {
    const { metrics, events } = metricsWithEvents(2);
    metrics.clients.rank(['busy-a', 'busy-b', 'quiet']);
    for (let index = 0; index < 100; index += 1) events.emit({ type: 'authorization.requested', clientId: 'quiet' });
    events.emit({ type: 'authorization.requested', clientId: 'busy-b' });
    assert.deepEqual(Object.fromEntries(await clientLabels(metrics)), { other: 100, 'busy-b': 1 });
  });

  it('keeps a labelled client until it falls below rank 1.5 N, then labels the most active one', () => {
    const { clients } = metricsWithEvents(2).metrics;
    clients.rank(['a', 'b', 'c', 'd']);
    // b falls to third, within 1.5 × 2 = 3: it keeps its label, c does not take it.
    clients.rank(['a', 'c', 'b', 'd']);
    assert.deepEqual(['a', 'b', 'c'].map((id) => clients.of(id)), ['a', 'b', 'other']);
    // b falls to fourth: c, now the most active unlabelled client, takes its place.
    clients.rank(['c', 'a', 'd']);
    assert.deepEqual(['a', 'b', 'c', 'd'].map((id) => clients.of(id)), ['a', 'other', 'c', 'other']);
  });

  it('gives every client the other label when the limit is 0', async () => {
    const { metrics, events } = metricsWithEvents(0);
    metrics.clients.rank(['client-a']);
    events.emit({ type: 'code.issued', clientId: 'client-a', userId: 'user-a' });
    assert.deepEqual([...(await clientLabels(metrics)).keys()], ['other']);
  });
});
