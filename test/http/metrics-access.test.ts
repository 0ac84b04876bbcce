// Who may read /metrics: the bearer token on the main port, the private listener, dev mode; and the settings' checks.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { createTestStore, forEachEngine, type TestStore } from '../support/database.js';
import { checkWithPromtool, parseExposition, scrape } from '../support/prometheus.js';
import { problemsOf } from '../support/config-problems.js';
import { freePort, startTestServer, testEnvironment, type TestServer } from '../support/server.js';

const METRICS_TOKEN = 'metrics-scraper-token-0123456789abcdef';
const CHALLENGE = 'Bearer realm="gatehouse"';

/** The one refusal: 401, a bare Bearer challenge, a fixed body that says nothing of the token or the setting. */
async function assertRefused(response: Response): Promise<void> {
  assert.equal(response.status, 401);
  assert.equal(response.headers.get('www-authenticate'), CHALLENGE);
  const body = await response.text();
  assert.deepEqual(JSON.parse(body), { error: 'invalid_token', error_description: 'The access token is missing, malformed, expired or revoked.' });
}

forEachEngine((engine) => {
  describe(`metrics access (${engine.name})`, () => {
    let database: TestStore;
    let guarded: TestServer;
    let unguarded: TestServer;
    let dev: TestServer;
    let disabled: TestServer;
    before(async () => {
      database = await createTestStore(engine);
      const listen = async () => `127.0.0.1:${await freePort()}`;
      guarded = await startTestServer(database, { GATEHOUSE_METRICS_BEARER_TOKEN: METRICS_TOKEN, GATEHOUSE_METRICS_LISTEN: await listen() });
      unguarded = await startTestServer(database, { GATEHOUSE_METRICS_LISTEN: await listen() });
      dev = await startTestServer(database, { GATEHOUSE_DEV: 'true' }, { print: () => undefined });
      disabled = await startTestServer(database, { GATEHOUSE_METRICS_ENABLED: 'false' });
    });
    after(async () => {
      for (const server of [guarded, unguarded, dev, disabled]) await server?.close();
      await database?.cleanup();
    });

    it('fails to start with a one-line ListenError naming the setting when the metrics port is taken', async () => {
      const busy = `127.0.0.1:${new URL(guarded.metricsUrl!).port}`;
      await assert.rejects(startTestServer(database, { GATEHOUSE_METRICS_BEARER_TOKEN: METRICS_TOKEN, GATEHOUSE_METRICS_LISTEN: busy }), {
        name: 'ListenError',
        message: `cannot listen on ${busy} for metrics (EADDRINUSE); set GATEHOUSE_METRICS_LISTEN (or \`metrics.listen\` in the config file) to a free address`,
      });
    });

    it('answers the main port only with the token, the same bare 401 otherwise, and never logs it', async () => {
      const url = `${guarded.url}/metrics`;
      const basic = `Basic ${Buffer.from(`scraper:${METRICS_TOKEN}`).toString('base64')}`;
      for (const authorization of [undefined, 'Bearer wrong-token-0123456789abcdef0123456', `Bearer ${METRICS_TOKEN}x`, basic, `Token ${METRICS_TOKEN}`, METRICS_TOKEN]) {
        await assertRefused(await scrape(url, authorization));
      }
      const answered = await scrape(url, `Bearer ${METRICS_TOKEN}`);
      assert.equal(answered.status, 200);
      assert.equal(answered.headers.get('cache-control'), 'no-store');
      const text = await answered.text();
      assert.ok(parseExposition(text).length > 0);
      checkWithPromtool(text);
      assert.ok(!guarded.logs().includes(METRICS_TOKEN), 'the token never reaches the log');
    });

    it('serves the private listener with the token when one is set, and nothing but GET /metrics there', async () => {
      const base = guarded.metricsUrl!;
      await assertRefused(await scrape(`${base}/metrics`));
      assert.equal((await scrape(`${base}/metrics`, `Bearer ${METRICS_TOKEN}`)).status, 200);
      assert.equal((await scrape(`${base}/token`, `Bearer ${METRICS_TOKEN}`)).status, 404);
      const posted = await fetch(`${base}/metrics`, { method: 'POST', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      assert.deepEqual([posted.status, posted.headers.get('allow')], [405, 'GET, HEAD']);
    });

    it('without a token: 401 on the main port, a start-up line saying how to enable it, the private listener open', async () => {
      await assertRefused(await scrape(`${unguarded.url}/metrics`));
      await assertRefused(await scrape(`${unguarded.url}/metrics`, `Bearer ${METRICS_TOKEN}`));
      assert.match(unguarded.logs(), /\/metrics answers 401 on the main port: set GATEHOUSE_METRICS_BEARER_TOKEN/);
      assert.ok(!guarded.logs().includes('answers 401 on the main port'), 'no such line once a token is set');
      const open = await scrape(`${unguarded.metricsUrl!}/metrics`);
      assert.equal(open.status, 200);
      assert.match(await open.text(), /^# TYPE gatehouse_http_requests_total counter$/m);
    });

    it('is open on the main port in dev mode, and absent when metrics.enabled is false', async () => {
      const open = await scrape(`${dev.url}/metrics`);
      assert.equal(open.status, 200);
      assert.ok(parseExposition(await open.text()).some((sample) => sample.name === 'process_cpu_seconds_total'));
      assert.equal((await scrape(`${disabled.url}/metrics`, `Bearer ${METRICS_TOKEN}`)).status, 404);
      assert.equal(disabled.metrics, undefined);
    });
  });
});

describe('metrics settings', () => {
  const load = (env: NodeJS.ProcessEnv) => () => loadConfig({ env: { ...testEnvironment({ databaseUrl: undefined, dataDir: '/tmp/unused' }, 4000), ...env } });

  it('refuses a listen address that is not host:port, and a short token without echoing it', () => {
    for (const listen of ['localhost', '127.0.0.1:65536', '127.0.0.1:99999']) {
      assert.throws(load({ GATEHOUSE_METRICS_LISTEN: listen }), (error: unknown) => error instanceof ConfigError && /metrics\.listen/.test(error.message), listen);
    }
    assert.equal(load({ GATEHOUSE_METRICS_LISTEN: '127.0.0.1:65535' })().metrics.listen, '127.0.0.1:65535');
    // RFC 6750 §2.1: a token a scraper could not send in the Authorization header is refused, without echoing it.
    assert.throws(load({ GATEHOUSE_METRICS_BEARER_TOKEN: 'a token with spaces that is long enough' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError && /metrics\.bearerToken/.test(error.message));
      assert.ok(!error.message.includes('spaces'));
      return true;
    });
    assert.throws(load({ GATEHOUSE_METRICS_BEARER_TOKEN: 'short-secret' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError && /metrics\.bearerToken/.test(error.message));
      assert.ok(!error.message.includes('short-secret'));
      return true;
    });
  });

  it('defaults to enabled, no token, no listener, 50 client labels', () => {
    const { metrics } = load({})();
    assert.deepEqual(metrics, { enabled: true, listenWithoutToken: false, clientLabelLimit: 50 });
  });

  it('refuses a listener beyond loopback without a token in production, unless told the network is private', () => {
    const exposed = { GATEHOUSE_METRICS_LISTEN: '0.0.0.0:9464' };
    assert.deepEqual(problemsOf(load(exposed)), [
      '`metrics.listen`: a listener beyond loopback needs metrics.bearerToken: set GATEHOUSE_METRICS_BEARER_TOKEN or `metrics.bearerToken` in gatehouse.config.json, or set metrics.listenWithoutToken=true if only the scraper can reach this address (from env GATEHOUSE_METRICS_LISTEN)',
    ]);
    assert.equal(load({ ...exposed, GATEHOUSE_METRICS_BEARER_TOKEN: METRICS_TOKEN })().metrics.listen, '0.0.0.0:9464');
    assert.equal(load({ ...exposed, GATEHOUSE_METRICS_LISTEN_WITHOUT_TOKEN: 'true' })().metrics.listenWithoutToken, true);
    for (const listen of ['127.0.0.1:9464', 'localhost:9464', '[::1]:9464']) assert.equal(load({ GATEHOUSE_METRICS_LISTEN: listen })().metrics.listen, listen);
    const dev = loadConfig({ env: { GATEHOUSE_DATA_DIR: '/tmp/unused', ...exposed }, flags: { dev: true } });
    assert.equal(dev.metrics.listen, '0.0.0.0:9464');
  });
});
