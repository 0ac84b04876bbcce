// gatehouse_token_requests_total counts every /token answer, those Fastify gives before the handler runs included.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rankClientLabels } from '../../src/observability/client-label-ranking.js';
import { forEachEngine } from '../support/database.js';
import { createClient, epochNow, postToken, type TestClient } from '../support/flow-fixtures.js';
import { dpopKey, dpopProof } from '../support/dpop.js';
import { parseExposition, scrape, valueOf } from '../support/prometheus.js';
import { useTestServer, type TestServer } from '../support/server.js';

const METRICS_TOKEN = 'metrics-scraper-token-0123456789abcdef';

/** Reads one sample of /metrics as the scraper sees it. */
async function metricValue(server: TestServer, name: string, labels: Record<string, string> = {}): Promise<number> {
  const response = await scrape(`${server.url}/metrics`, `Bearer ${METRICS_TOKEN}`);
  assert.equal(response.status, 200);
  return valueOf(parseExposition(await response.text()), name, labels);
}

/** Registers a client and ranks the clients again, as the next ranking tick would, so it has its own label. */
async function labelledClient(server: TestServer, input: Parameters<typeof createClient>[1] = {}): Promise<TestClient> {
  const as = await createClient(server, input);
  await rankClientLabels(server.metrics!.clients, server.store, epochNow());
  return as;
}

forEachEngine((engine) => {
  describe(`token answers Fastify gives before the handler (${engine.name})`, () => {
    // Nonces are asked only of requests with a DPoP proof: the others are answered as without the setting.
    const suite = useTestServer(engine, { GATEHOUSE_METRICS_BEARER_TOKEN: METRICS_TOKEN, GATEHOUSE_DPOP_REQUIRE_NONCE: 'true' });

    it('counts a 415, a 413 and a malformed body as often as the latency histogram', async () => {
      const { server } = suite;
      const post = (contentType: string, body: string) => fetch(`${server.url}/token`, { method: 'POST', headers: { 'content-type': contentType }, body });
      assert.equal((await post('text/xml', '<grant_type>client_credentials</grant_type>')).status, 415);
      assert.equal((await post('application/x-www-form-urlencoded', `grant_type=${'x'.repeat(server.config.limits.bodyBytes)}`)).status, 413);
      assert.equal((await post('application/json', '{"grant_type":')).status, 400);
      const other = { grant_type: 'other', client_id: 'unknown' };
      assert.equal(await metricValue(server, 'gatehouse_token_requests_total', { ...other, error: 'invalid_request' }), 3);
      assert.equal(await metricValue(server, 'gatehouse_token_requests_total'), 3);
      assert.equal(await metricValue(server, 'gatehouse_token_request_duration_seconds_count'), 3);
    });

    it('counts a wrong secret or method of a registered client as that client, and an unknown client as unknown', async () => {
      const { server } = suite;
      const as = await labelledClient(server, { grantTypes: ['client_credentials'], redirectUris: [] });
      const grant = { grant_type: 'client_credentials' };
      assert.equal((await postToken(server, grant, { as: { ...as, secret: 'not-the-secret' } })).status, 401);
      const asPost = { ...as, client: { ...as.client, tokenEndpointAuthMethod: 'client_secret_post' as const } };
      assert.equal((await postToken(server, grant, { as: asPost })).status, 401);
      assert.equal((await postToken(server, { ...grant, client_id: 'no-such-client', client_secret: 's' })).status, 401);
      const refused = { grant_type: 'client_credentials', error: 'invalid_client' };
      assert.equal(await metricValue(server, 'gatehouse_token_requests_total', { ...refused, client_id: as.client.clientId }), 2);
      assert.equal(await metricValue(server, 'gatehouse_token_requests_total', { ...refused, client_id: 'unknown' }), 1);
    });

    it('counts as refresh failures only what the refresh grant refused, never a client, registration or nonce refusal', async () => {
      const { server } = suite;
      const as = await labelledClient(server);
      const codeOnly = await labelledClient(server, { grantTypes: ['authorization_code'] });
      const refresh = { grant_type: 'refresh_token', refresh_token: 'not-a-refresh-token' };
      assert.equal((await postToken(server, refresh, { as: { ...as, secret: 'not-the-secret' } })).status, 401);
      assert.equal((await postToken(server, refresh, { as: codeOnly })).status, 400, 'unauthorized_client');
      const proof = await dpopProof(await dpopKey(), { htu: `${server.config.issuer}/token` });
      const nonce = await postToken(server, refresh, { as, headers: { dpop: proof } });
      assert.equal(((await nonce.json()) as { error: string }).error, 'use_dpop_nonce');
      assert.equal((await postToken(server, refresh, { as })).status, 400, 'an unknown refresh token');
      for (const error of ['invalid_client', 'use_dpop_nonce', 'invalid_grant']) {
        assert.equal(await metricValue(server, 'gatehouse_token_requests_total', { grant_type: 'refresh_token', client_id: as.client.clientId, error }), 1, error);
      }
      assert.equal(await metricValue(server, 'gatehouse_refresh_failures_total', { client_id: as.client.clientId }), 1);
      assert.equal(await metricValue(server, 'gatehouse_refresh_failures_total', { client_id: codeOnly.client.clientId }), 0);
    });
  });
});
