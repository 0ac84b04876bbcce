// gatehouse_token_requests_total counts every /token answer, those Fastify gives before the handler runs included.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachEngine } from '../support/database.js';
import { parseExposition, scrape, valueOf } from '../support/prometheus.js';
import { useTestServer, type TestServer } from '../support/server.js';

const METRICS_TOKEN = 'metrics-scraper-token-0123456789abcdef';

/** Reads one sample of /metrics as the scraper sees it. */
async function metricValue(server: TestServer, name: string, labels: Record<string, string> = {}): Promise<number> {
  const response = await scrape(`${server.url}/metrics`, `Bearer ${METRICS_TOKEN}`);
  assert.equal(response.status, 200);
  return valueOf(parseExposition(await response.text()), name, labels);
}

forEachEngine((engine) => {
  describe(`token answers Fastify gives before the handler (${engine.name})`, () => {
    const suite = useTestServer(engine, { GATEHOUSE_METRICS_BEARER_TOKEN: METRICS_TOKEN });

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
  });
});
