// The client_id label stays bounded however many clients show up: a flood of 10,000 becomes at most N + 2 labels.
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

describe('capped client_id labels', () => {
  it('keeps the first N clients, counts the rest as other and requests naming none as unknown', async () => {
    const metrics = new GatehouseMetrics({ clientLabelLimit: LIMIT, clock: () => 0 });
    const events = new EventBus((error) => assert.fail(String(error)));
    metrics.attach(events);
    for (let index = 0; index < FLOOD; index += 1) events.emit({ type: 'authorization.requested', clientId: `client-${index}` });
    // A client that already has its label keeps it after the cap is reached.
    events.emit({ type: 'authorization.requested', clientId: 'client-0' });
    events.emit({ type: 'token.failed', clientId: null, grantType: null, error: 'invalid_client', reason: null });

    const labels = await clientLabels(metrics);
    assert.equal(labels.size, LIMIT + 2);
    assert.equal(labels.get('other'), FLOOD - LIMIT);
    assert.equal(labels.get('unknown'), 1);
    assert.equal(labels.get('client-0'), 2);
    assert.equal(labels.get(`client-${LIMIT}`), undefined);
  });

  it('gives every client the other label when the limit is 0', async () => {
    const metrics = new GatehouseMetrics({ clientLabelLimit: 0, clock: () => 0 });
    const events = new EventBus((error) => assert.fail(String(error)));
    metrics.attach(events);
    events.emit({ type: 'code.issued', clientId: 'client-a', userId: 'user-a' });
    assert.deepEqual([...(await clientLabels(metrics)).keys()], ['other']);
  });
});
