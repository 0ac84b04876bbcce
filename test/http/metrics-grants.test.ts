// Metrics of the device flow and client_credentials: every token answer by outcome, and the person's Deny as consent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rankClientLabels } from '../../src/observability/client-label-ranking.js';
import { DEVICE_CODE_GRANT_TYPE } from '../../src/store/records.js';
import { forEachEngine } from '../support/database.js';
import { createDeviceClient, decideOnDevice, pollDeviceToken, startDeviceAuthorization } from '../support/device.js';
import { createApi, createServiceClient } from '../support/apis.js';
import { createUser, epochNow, postToken } from '../support/flow-fixtures.js';
import { parseExposition, scrape, valueOf } from '../support/prometheus.js';
import { useTestServer, type TestServer } from '../support/server.js';

const METRICS_TOKEN = 'metrics-scraper-token-0123456789abcdef';

async function metricValue(server: TestServer, name: string, labels: Record<string, string> = {}): Promise<number> {
  const response = await scrape(`${server.url}/metrics`, `Bearer ${METRICS_TOKEN}`);
  assert.equal(response.status, 200);
  return valueOf(parseExposition(await response.text()), name, labels);
}

/** Ranks the clients again, as the next ranking tick would, so clients registered since the start have their label. */
async function rankClients(server: TestServer): Promise<void> {
  await rankClientLabels(server.metrics!.clients, server.store, epochNow());
}

forEachEngine((engine) => {
  describe(`metrics of the device and client_credentials grants (${engine.name})`, () => {
    const suite = useTestServer(engine, { GATEHOUSE_METRICS_BEARER_TOKEN: METRICS_TOKEN });

    it('counts device polls by outcome, and Deny on the device page as a consent decision', async () => {
      const { server } = suite;
      const device = await createDeviceClient(server);
      const user = await createUser(server);
      await rankClients(server);
      const denied = await startDeviceAuthorization(server, device);
      assert.equal((await pollDeviceToken(server, device, denied.device_code)).status, 400, 'authorization_pending');
      await decideOnDevice(server, user, denied.user_code, 'deny');
      assert.equal((await pollDeviceToken(server, device, denied.device_code)).status, 400, 'access_denied');
      const approved = await startDeviceAuthorization(server, device);
      await decideOnDevice(server, user, approved.user_code, 'allow');
      assert.equal((await pollDeviceToken(server, device, approved.device_code)).status, 200);
      const labels = { grant_type: DEVICE_CODE_GRANT_TYPE, client_id: device.client.clientId };
      for (const error of ['authorization_pending', 'access_denied', 'none']) {
        assert.equal(await metricValue(server, 'gatehouse_token_requests_total', { ...labels, error }), 1, error);
      }
      assert.equal(await metricValue(server, 'gatehouse_consent_decisions_total', { client_id: device.client.clientId, decision: 'deny' }), 1);
    });

    it('counts client_credentials answers by outcome', async () => {
      const { server } = suite;
      const service = await createServiceClient(server, [await createApi(server)]);
      await rankClients(server);
      assert.equal((await postToken(server, { grant_type: 'client_credentials' }, { as: service })).status, 200);
      assert.equal((await postToken(server, { grant_type: 'client_credentials', scope: 'openid' }, { as: service })).status, 400);
      const labels = { grant_type: 'client_credentials', client_id: service.client.clientId };
      assert.equal(await metricValue(server, 'gatehouse_token_requests_total', { ...labels, error: 'none' }), 1);
      assert.equal(await metricValue(server, 'gatehouse_token_requests_total', { ...labels, error: 'invalid_scope' }), 1);
    });
  });
});
