// `gatehouse serve --workers 2` as a real process on each engine: single-use values stay single-use across workers,
// a killed worker is replaced while the other keeps answering, SIGTERM drains and stops them all; and what the primary
// refuses or gives up on.
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/open.js';
import type { SealedStore } from '../../src/store/store.js';
import { TEST_AUDIT_SEALER } from '../support/secrets.js';
import { createTestDatabase, forEachEngine, type TestDatabase } from '../support/database.js';
import { createClient, createUser, issueCode, pkcePair, postToken, REDIRECT_URI, startGrant } from '../support/flow-fixtures.js';
import { assertOneWinner, claimsOf, occurrences, race, START_TIMEOUT_MS, startInstance, stopInstance, type Instance } from '../support/instances.js';
import { freePort, testEnvironment } from '../support/server.js';
import { startServeProcess } from '../support/serve-process.js';

const ATTEMPTS = 50;

/** The pids the primary logged for its workers, in the order it started them. */
function workerPids(instance: Instance): number[] {
  return [...instance.process.stdout().matchAll(/"workerPid":(\d+),"msg":"worker started"/g)].map((match) => Number(match[1]));
}

/** The workers that answered requests to `route`, by the worker id their log lines carry. */
function workersAnswering(instance: Instance, route: string): Set<number> {
  const lines = instance.process.stdout().split('\n').filter((line) => line.includes(`"route":"${route}"`));
  return new Set(lines.map((line) => Number(/"worker":(\d+)/.exec(line)?.[1])));
}

const METRICS_TOKEN = 'scale-test-metrics-token-0123456789abcdef';

/** The authorization code exchanges /metrics counts, answered or refused, over every client label. */
async function codeExchangesCounted(instance: Instance): Promise<number> {
  const response = await fetch(`${instance.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.equal(response.status, 200);
  const series = (await response.text()).matchAll(/^gatehouse_token_requests_total\{[^}]*grant_type="authorization_code"[^}]*\} (\d+)$/gm);
  return [...series].reduce((sum, match) => sum + Number(match[1]), 0);
}

forEachEngine((engine) => {
  describe(`serve --workers 2 (${engine.name})`, () => {
    let database: TestDatabase;
    let store: SealedStore;
    let served: Instance;
    before(async () => {
      database = await createTestDatabase(engine);
      store = await openStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir }, TEST_AUDIT_SEALER);
      const env = { GATEHOUSE_TOKENS_REFRESH_RETRY_WINDOW: '0', GATEHOUSE_METRICS_BEARER_TOKEN: METRICS_TOKEN };
      served = await startInstance(database, { args: ['--workers', '2'], env, listeners: 2 });
    });
    after(async () => {
      await stopInstance(served);
      await store.close();
      await database.cleanup();
    });

    it(`redeems a code once among ${ATTEMPTS} concurrent attempts spread over both workers`, async () => {
      const as = await createClient({ store });
      const pkce = pkcePair();
      const code = await issueCode({ store }, as.client, await createUser({ store }), pkce);
      const parameters = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier };
      const winner = assertOneWinner(await race(ATTEMPTS, () => postToken(served, parameters, { as })));
      assert.equal((await store.refreshTokens.findFamily(String(claimsOf(winner.body.access_token ?? '').gid)))?.revokedReason, 'code_replayed');
      assert.deepEqual(workersAnswering(served, '/token'), new Set([1, 2]), 'both workers took part');
      // Whichever worker takes the scrape answers for both.
      for (let scrape = 0; scrape < 2; scrape++) assert.equal(await codeExchangesCounted(served), ATTEMPTS);
    });

    it(`rotates a refresh token once among ${ATTEMPTS} concurrent uses; with the retry window off the reuse revokes the family`, async () => {
      const { as, tokens } = await startGrant({ store, url: served.url });
      assertOneWinner(await race(ATTEMPTS, () => postToken(served, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '' }, { as })));
      assert.equal((await store.refreshTokens.findFamily(String(claimsOf(tokens.access_token).gid)))?.revokedReason, 'refresh_token_reused');
    });

    it('replaces a worker killed with SIGKILL while the other keeps answering', async () => {
      const [first] = workerPids(served);
      process.kill(first!, 'SIGKILL');
      await served.process.waitFor(/"signal":"SIGKILL","restartInMs":\d+,"msg":"worker exited; replacing it"/, START_TIMEOUT_MS);
      for (let request = 0; request < 10; request++) assert.equal((await fetch(`${served.url}/healthz`)).status, 200);
      await served.process.waitFor(occurrences('"msg":"gatehouse listening"', 3), START_TIMEOUT_MS);
      assert.equal(workerPids(served).length, 3, 'one replacement');
      const responses = await Promise.all(Array.from({ length: 10 }, () => fetch(`${served.url}/healthz`)));
      assert.ok(responses.every((response) => response.status === 200));
    });

    it('on SIGTERM lets each worker finish its in-flight request, then exits 0', async () => {
      const socket = connect(Number(new URL(served.url).port), '127.0.0.1');
      let response = '';
      socket.on('data', (chunk) => (response += chunk.toString('utf8')));
      const closed = new Promise((resolve) => socket.on('close', resolve));
      // 10 bytes announced, 5 sent: the request is in flight when the signal comes.
      socket.write('POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{"a":');
      await new Promise((resolve) => setTimeout(resolve, 200));
      served.process.child.kill('SIGTERM');
      await served.process.waitFor(occurrences('"msg":"shutting down"', 2));
      socket.end('"bc"}');
      await closed;
      assert.match(response, /^HTTP\/1\.1 405 /, response);
      assert.equal(await served.process.exited(), 0, served.process.output());
      assert.match(served.process.stdout(), occurrences('"msg":"stopped"', 2));
    });
  });
});

describe('serve --workers: what the primary refuses or gives up on (sqlite)', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase({ name: 'sqlite' });
  });
  after(() => database.cleanup());

  it('refuses --workers 0 with one line naming the setting, exit 2, before touching the database', async () => {
    const refused = startServeProcess(['--workers', '0'], testEnvironment(database, 0), database.dataDir);
    assert.equal(await refused.exited(), 2);
    assert.match(refused.stderr(), /^gatehouse: invalid configuration: `workers`: expected a count 1-64, or auto .*, got 0 \(flag --workers\)\n$/);
    assert.deepEqual(await database.sql("select name from sqlite_master where type = 'table'"), []);
  });

  it('gives up loudly, exit 1, when workers keep exiting', { timeout: 240_000 }, async () => {
    const occupied = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => occupied.listen(port, '127.0.0.1', resolve));
    try {
      const crashing = startServeProcess(['--workers', '2'], testEnvironment(database, port), database.dataDir);
      assert.equal(await crashing.exited(), 1);
      assert.match(crashing.stdout(), /"msg":"worker exited; replacing it"/);
      assert.match(crashing.stdout(), /"exits":5,"msg":"workers keep exiting: giving up, stopping the others"/);
      assert.match(crashing.stderr(), /^gatehouse: workers kept exiting, so the primary gave up; see the log for why\n$/m);
    } finally {
      occupied.close();
    }
  });

  it('in dev mode seeds the demo once for all workers and stops on SIGINT with exit 0', async () => {
    // A database of its own: dev mode seals its keys under a generated secret.
    const devDatabase = await createTestDatabase({ name: 'sqlite' });
    let dev: Instance | undefined;
    try {
      dev = await startInstance(devDatabase, { args: ['--dev', '--workers', '2'], env: { GATEHOUSE_ISSUER: '', GATEHOUSE_KEYS_ENCRYPTION_SECRET: '' }, listeners: 2 });
      await dev.process.waitFor(/client_secret: +\S{43}/);
      assert.doesNotMatch(dev.process.stderr(), occurrences('Gatehouse (dev mode) at', 2), 'one banner');
      assert.doesNotMatch(dev.process.stderr(), occurrences('created a demo user', 2), 'seeded once');
      assert.match(dev.process.stdout(), occurrences('generated a key-encryption secret', 1));
      assert.doesNotMatch(dev.process.stdout(), occurrences('generated a key-encryption secret', 2));
      dev.process.child.kill('SIGINT');
      assert.equal(await dev.process.exited(), 0, dev.process.output());
    } finally {
      dev?.process.child.kill('SIGKILL');
      await devDatabase.cleanup();
    }
  });
});
