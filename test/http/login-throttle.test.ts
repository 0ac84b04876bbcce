// Login throttling: per account and per network, shared by instances, growing locks, told how long, cleared by success.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClientRecord } from '../../src/store/records.js';
import { createTestStore, forEachEngine, type TestStore } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { fromClientIp, TRUSTING_LOOPBACK_PROXY } from '../support/client-ip.js';
import { alertText, beginInteraction, INVALID, PASSWORD, postLogin, seedClient, seedUser, withoutNonces } from '../support/login.js';
import { auditEvents } from '../support/flow-fixtures.js';

interface Outcome {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly message: string | undefined;
  readonly session: boolean;
  readonly page: string;
}

async function attempt(server: TestServer, client: ClientRecord, username: string, password: string, ip?: string): Promise<Outcome> {
  const flow = await beginInteraction(server, client);
  const response = await postLogin(flow, { username, password }, ip === undefined ? {} : fromClientIp(ip));
  const page = withoutNonces(await response.text()).replaceAll(flow.interactionId, 'ID').replaceAll(flow.csrfToken, 'CSRF').replaceAll(username, 'USER');
  return { status: response.status, retryAfter: response.headers.get('retry-after'), message: alertText(page), session: flow.browser.cookie('gatehouse_session') !== undefined, page };
}

const unlockAll = (database: TestStore) => database.sql(`update login_throttle set locked_until = ${Math.floor(Date.now() / 1000) - 1} where locked_until > 0`);

forEachEngine((engine) => {
  describe(`throttling per account (${engine.name})`, () => {
    let database: TestStore;
    let server: TestServer;
    let second: TestServer;
    let client: ClientRecord;
    before(async () => {
      database = await createTestStore(engine);
      const env = { GATEHOUSE_RATE_LIMITS_LOGIN_FAILURES_PER_ACCOUNT: '3', GATEHOUSE_RATE_LIMITS_LOGIN_FAILURES_PER_IP: '1000' };
      server = await startTestServer(database, env);
      second = await startTestServer(database, env);
      client = await seedClient(server.store);
    });
    after(async () => {
      await second.close();
      await server.close();
      await database.cleanup();
    });

    it('locks the account at the limit, says how long, refuses even the right password, on every instance', async () => {
      const user = await seedUser(server.store);
      for (let failure = 1; failure < 3; failure += 1) assert.equal((await attempt(server, client, user.username, 'wrong')).message, INVALID);
      const locked = await attempt(server, client, user.username, 'wrong');
      assert.deepEqual([locked.status, locked.retryAfter, locked.message], [429, '60', 'Too many attempts. Try again in 1 minute.']);
      assert.match(locked.page, /<form method="post" action="\/login">/, 'the form stays, for after the wait');
      const right = await attempt(server, client, user.username, PASSWORD);
      assert.deepEqual([right.status, right.session], [429, false]);
      // The lock counts down: a second may have passed since it was set.
      assert.match(right.message ?? '', /^Too many attempts\. Try again in (1 minute|5\d seconds)\.$/);
      const elsewhere = await attempt(second, client, user.username, PASSWORD);
      assert.deepEqual([elsewhere.status, elsewhere.session], [429, false], 'the second instance sees the same lock');
      const [event] = await auditEvents(server, 'login.throttled');
      assert.equal(event?.details.scope, 'account');
      assert.equal(event?.clientId, client.clientId);
    });

    it('doubles the lock for each failure after it ends, and a success clears the count', async () => {
      const user = await seedUser(server.store);
      for (let failure = 1; failure <= 3; failure += 1) await attempt(server, client, user.username, 'wrong');
      await unlockAll(database);
      const fourth = await attempt(second, client, user.username, 'wrong');
      assert.deepEqual([fourth.status, fourth.retryAfter, fourth.message], [429, '120', 'Too many attempts. Try again in 2 minutes.']);
      await unlockAll(database);
      const success = await attempt(server, client, user.username, PASSWORD);
      assert.deepEqual([success.status, success.session], [303, true]);
      for (let failure = 1; failure < 3; failure += 1) {
        assert.deepEqual((await attempt(server, client, user.username, 'wrong')).status, 200, 'counting starts again from zero');
      }
    });

    it('throttles an unknown username exactly like a known one, so the lock reveals nothing', async () => {
      const user = await seedUser(server.store);
      const known: Outcome[] = [];
      const unknown: Outcome[] = [];
      for (let failure = 1; failure <= 3; failure += 1) {
        known.push(await attempt(server, client, user.username, 'wrong'));
        unknown.push(await attempt(server, client, `ghost-${user.username}`, 'wrong'));
      }
      const shape = (outcome: Outcome) => [outcome.status, outcome.retryAfter, outcome.message, outcome.page];
      assert.deepEqual(unknown.map(shape), known.map(shape));
      assert.deepEqual(known.map((outcome) => [outcome.status, outcome.retryAfter]), [[200, null], [200, null], [429, '60']]);
      for (const username of [user.username, `ghost-${user.username}`]) assert.equal((await attempt(server, client, username, PASSWORD)).status, 429);
    });
  });

  describe(`throttling per network (${engine.name})`, () => {
    let database: TestStore;
    let server: TestServer;
    let client: ClientRecord;
    before(async () => {
      database = await createTestStore(engine);
      server = await startTestServer(database, {
        ...TRUSTING_LOOPBACK_PROXY,
        GATEHOUSE_RATE_LIMITS_LOGIN_FAILURES_PER_ACCOUNT: '1000',
        GATEHOUSE_RATE_LIMITS_LOGIN_FAILURES_PER_IP: '3',
      });
      client = await seedClient(server.store);
    });
    after(async () => {
      await server.close();
      await database.cleanup();
    });

    it('locks a client IP (from X-Forwarded-For behind a trusted proxy) across usernames, and only that IP', async () => {
      const user = await seedUser(server.store);
      const ip = '203.0.113.7';
      for (const name of ['a', 'b']) assert.equal((await attempt(server, client, `${name}-${user.username}`, 'wrong', ip)).status, 200);
      const third = await attempt(server, client, `c-${user.username}`, 'wrong', ip);
      assert.deepEqual([third.status, third.retryAfter, third.message], [429, '60', 'Too many attempts. Try again in 1 minute.']);
      assert.equal((await attempt(server, client, user.username, PASSWORD, ip)).status, 429);
      const other = await attempt(server, client, user.username, PASSWORD, '203.0.113.8');
      assert.deepEqual([other.status, other.session], [303, true], 'another IP and the account itself are unaffected');
      const events = await auditEvents(server, 'login.throttled', 2);
      assert.ok(events.every((event) => event.details.scope === 'ip' && event.ip === ip));
    });

    it('counts an IPv6 /64 as one network', async () => {
      const user = await seedUser(server.store);
      for (const host of ['1', '2', 'abcd:1']) await attempt(server, client, `x${host}`, 'wrong', `2001:db8:1:2::${host}`);
      assert.equal((await attempt(server, client, user.username, PASSWORD, '2001:db8:1:2:ffff::9')).status, 429);
      assert.equal((await attempt(server, client, user.username, PASSWORD, '2001:db8:1:3::1')).status, 303);
    });
  });

  describe(`throttling without a trusted proxy (${engine.name})`, () => {
    it('ignores X-Forwarded-For, so a spoofed header does not escape the lock', async (t) => {
      const database = await createTestStore(engine);
      const server = await startTestServer(database, { GATEHOUSE_RATE_LIMITS_LOGIN_FAILURES_PER_IP: '2' });
      t.after(async () => {
        await server.close();
        await database.cleanup();
      });
      const client = await seedClient(server.store);
      assert.equal((await attempt(server, client, 'one', 'wrong', '198.51.100.1')).status, 200);
      assert.equal((await attempt(server, client, 'two', 'wrong', '198.51.100.2')).status, 429);
    });
  });
});
