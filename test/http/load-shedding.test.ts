// Load shedding: past loadShedding.maxInFlight, or while the event loop runs late, a new request gets 503 with
// Retry-After in its endpoint's own error format; health checks and the metrics scrape are still answered.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import { ContendedPasswords } from '../support/contended-passwords.js';
import { assertPageHeaders, authorizeUrl } from '../support/authorization.js';
import { createTestStore, forEachEngine, type TestEngine } from '../support/database.js';
import { createApi, createServiceClient } from '../support/apis.js';
import { postToken } from '../support/flow-fixtures.js';
import { beginInteraction, PASSWORD, postLogin, seedClient, seedUser } from '../support/login.js';
import { parseExposition, scrape, valueOf } from '../support/prometheus.js';
import { startTestServer } from '../support/server.js';

const METRICS_TOKEN = 'load-shedding-metrics-token-0123456789abcdef';
const OVERLOADED = 'Gatehouse is handling too many requests right now. Try again in a few seconds.';

/**
 * A server whose logins can be held, and `holdOneRequest`: a login holding its password verification, and so one
 * request in flight until `release`. A held login is released before the server closes, whatever the test did.
 */
async function startServer(t: { after: (fn: () => Promise<void>) => void }, engine: TestEngine, env: NodeJS.ProcessEnv) {
  const database = await createTestStore(engine);
  const passwords = new ContendedPasswords();
  const server = await startTestServer(database, { GATEHOUSE_METRICS_BEARER_TOKEN: METRICS_TOKEN, ...env }, { passwords });
  let releaseHeld = () => undefined as void;
  t.after(async () => {
    releaseHeld();
    await server.close();
    await database.cleanup();
  });
  const api = await createApi(server);
  const as = await createServiceClient(server, [api]);
  const holdOneRequest = async () => {
    const client = await seedClient(server.store);
    const flow = await beginInteraction(server, client);
    const hold = passwords.holdNextVerify();
    releaseHeld = hold.release;
    const login = postLogin(flow, { username: (await seedUser(server.store)).username, password: PASSWORD });
    await hold.started;
    return { client, release: async () => (hold.release(), login) };
  };
  const clientCredentials = (path = '/token') =>
    postToken(server, { grant_type: 'client_credentials', resource: api.identifier }, { as, path });
  return { server, holdOneRequest, clientCredentials };
}

async function assertShedJson(response: Response): Promise<void> {
  assert.equal(response.status, 503, await response.clone().text());
  assert.equal(response.headers.get('retry-after'), '1');
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.deepEqual(await response.json(), { error: 'temporarily_unavailable', error_description: OVERLOADED });
}

forEachEngine((engine) => {
  describe(`load shedding (${engine.name})`, () => {
    it('past maxInFlight answers each endpoint in its own format with Retry-After, and keeps health and metrics answering', async (t) => {
      const { server, holdOneRequest, clientCredentials } = await startServer(t, engine, { GATEHOUSE_LOAD_SHEDDING_MAX_IN_FLIGHT: '1' });
      const held = await holdOneRequest();

      const token = await clientCredentials();
      assert.equal(token.headers.get('pragma'), 'no-cache', 'RFC 6749 §5.2: a token error is never cached');
      await assertShedJson(token);
      for (const path of ['/introspect', '/revoke', '/par', '/device_authorization']) await assertShedJson(await clientCredentials(path));

      // RFC 6750 §3.1 has no code for an overloaded server: a 503 with no challenge.
      const userinfo = await fetch(`${server.url}/userinfo`, { headers: { authorization: 'Bearer some-token' } });
      assert.deepEqual([userinfo.status, userinfo.headers.get('retry-after'), userinfo.headers.get('www-authenticate')], [503, '1', null]);

      const authorize = await fetch(`${server.url}${authorizeUrl(held.client)}`, { redirect: 'manual' });
      assert.deepEqual([authorize.status, authorize.headers.get('retry-after')], [503, '1']);
      assertPageHeaders(authorize);
      const page = await authorize.text();
      assert.match(page, /Please try again in a moment/);
      assert.ok(page.includes(OVERLOADED));
      const login = await fetch(`${server.url}/login?interaction=x`);
      assert.deepEqual([login.status, login.headers.get('content-type')], [503, 'text/html; charset=utf-8']);

      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
      const metrics = await scrape(`${server.url}/metrics`, `Bearer ${METRICS_TOKEN}`);
      assert.equal(metrics.status, 200);
      const samples = parseExposition(await metrics.text());
      assert.equal(valueOf(samples, 'gatehouse_requests_shed_total', { route: '/token' }), 1);
      assert.equal(valueOf(samples, 'gatehouse_requests_shed_total', { route: '/authorize' }), 1);
      assert.equal(valueOf(samples, 'gatehouse_requests_shed_total'), 8);

      // A shed request is a rejection, logged at info without a stack: under overload there are thousands a second.
      const outcomes = server.logs().split('\n').filter((line) => line.includes('"temporarily_unavailable"')).map((line) => JSON.parse(line) as Record<string, unknown>);
      const shedLogs = outcomes.filter((line) => line.msg === 'request rejected' || line.msg === 'request failed');
      assert.equal(shedLogs.length, 8, JSON.stringify(outcomes));
      for (const line of shedLogs) assert.deepEqual([line.level, line.msg, line.err], [30, 'request rejected', undefined]);

      assert.equal((await held.release()).status, 303, 'the admitted login finishes normally');
      const after = await clientCredentials();
      assert.equal(after.status, 200, 'its slot is free again once it was answered');
    });

    it('sheds nothing when turned off', async (t) => {
      const { holdOneRequest, clientCredentials } = await startServer(t, engine, { GATEHOUSE_LOAD_SHEDDING_MAX_IN_FLIGHT: '1', GATEHOUSE_LOAD_SHEDDING_ENABLED: 'false' });
      const held = await holdOneRequest();
      assert.equal((await clientCredentials()).status, 200);
      assert.equal((await held.release()).status, 303);
    });

    it('sheds while the event loop runs later than maxEventLoopDelay on average, then admits again', async (t) => {
      const { server, clientCredentials } = await startServer(t, engine, { GATEHOUSE_LOAD_SHEDDING_MAX_EVENT_LOOP_DELAY: '50', GATEHOUSE_LOAD_SHEDDING_RETRY_AFTER: '7' });
      // The server shares this process's event loop: keep it busy 200 ms out of every 210 until a request is shed.
      const stall = setInterval(() => {
        const busyUntil = Date.now() + 200;
        while (Date.now() < busyUntil);
      }, 10);
      const statuses: number[] = [];
      try {
        for (let attempt = 0; attempt < 40 && !statuses.includes(503); attempt++) {
          const response = await clientCredentials();
          if (response.status === 503) assert.equal(response.headers.get('retry-after'), '7');
          statuses.push(response.status);
        }
      } finally {
        clearInterval(stall);
      }
      assert.ok(statuses.includes(503), `shed while the loop ran late: ${statuses.join(' ')}`);
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200, 'health is answered throughout');
      // The delay is read every half second: once the loop has caught up, requests are admitted again.
      for (let attempt = 0; attempt < 40 && statuses.at(-1) !== 200; attempt++) {
        await setTimeout(100);
        statuses.push((await clientCredentials()).status);
      }
      assert.equal(statuses.at(-1), 200, `admitted again once it caught up: ${statuses.join(' ')}`);
    });
  });
});
