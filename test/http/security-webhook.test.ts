// The security webhook in a running Gatehouse: security events reach a real receiver signed, and a receiver that
// holds its connection open slows no token request and no login (the sender's shutdown bound is tested alone).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClientRecord } from '../../src/store/records.js';
import { TRUSTING_LOOPBACK_PROXY } from '../support/client-ip.js';
import { createTestStore, forEachEngine, type TestStore } from '../support/database.js';
import { beginInteraction, PASSWORD, postLogin, seedClient, seedUser } from '../support/login.js';
import { eventually } from '../support/logout-receiver.js';
import { CHROME_120, FIREFOX, grantFrom } from '../support/refresh-context.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startWebhookReceiver, verifyWebhookSignature, type WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = 'security-webhook-secret-0123456789abcdef';
const HOME = { ip: '198.51.100.10', userAgent: CHROME_120 };

forEachEngine((engine) => {
  describe(`security webhook (${engine.name})`, () => {
    let receiver: WebhookReceiver;
    let database: TestStore;
    let server: TestServer;
    let client: ClientRecord;
    before(async () => {
      receiver = await startWebhookReceiver();
      database = await createTestStore(engine);
      server = await startTestServer(database, {
        ...TRUSTING_LOOPBACK_PROXY,
        GATEHOUSE_SECURITY_WEBHOOK_URL: receiver.url,
        GATEHOUSE_SECURITY_WEBHOOK_SECRET: SECRET,
        GATEHOUSE_SECURITY_WEBHOOK_TIMEOUT: '10000',
        GATEHOUSE_SECURITY_WEBHOOK_MAX_ATTEMPTS: '20',
        GATEHOUSE_SECURITY_WEBHOOK_RETRY_DELAY: '10',
        GATEHOUSE_RATE_LIMITS_LOGIN_FAILURES_PER_ACCOUNT: '1',
      });
      client = await seedClient(server.store);
    });
    after(async () => {
      await server.close();
      await database.cleanup();
      await receiver.close();
    });

    it('POSTs a context change, signed, with the refreshing request\'s IP and User-Agent and both networks', async () => {
      const grant = await grantFrom(server, HOME);
      // Longer than the 512 bytes any stored or sent User-Agent is cut to.
      const padded = `${FIREFOX} ${'x'.repeat(600)}`;
      await grant.refreshFrom({ ip: '203.0.113.9', userAgent: padded });
      await eventually('the event reaches the receiver', () => receiver.received.some(({ event }) => event.details.familyId === grant.familyId));
      const delivered = receiver.received.find(({ event }) => event.details.familyId === grant.familyId)!;
      assert.equal(verifyWebhookSignature(SECRET, delivered.signature, delivered.body), true);
      const { type, clientId, userId, ip, userAgent, details } = delivered.event;
      assert.deepEqual({ type, clientId, userId, ip, userAgent, details }, {
        type: 'refresh_token.context_changed',
        clientId: grant.clientId,
        userId: grant.userId,
        ip: '203.0.113.9',
        userAgent: padded.slice(0, 512),
        details: { familyId: grant.familyId, change: 'both', previousNetwork: '198.51.100.0/24', network: '203.0.113.0/24' },
      });
    });

    it('answers refreshes and a throttled login while the receiver holds the first POST open', async () => {
      receiver.otherwise = 'hang';
      const sent = receiver.received.length;
      const grant = await grantFrom(server, HOME);
      await grant.refreshFrom({ ip: '203.0.113.9', userAgent: CHROME_120 });
      await eventually('the event is in flight', () => receiver.received.length > sent);
      // Delivery has up to the longest timeout and every attempt left: a request that waited for it would answer
      // only after the receiver's connection was given up on.
      const stillHeld = (after: string) => assert.deepEqual([receiver.received.length - sent, receiver.abandoned], [1, 0], after);
      await grant.refreshFrom({ ip: '192.0.2.1', userAgent: CHROME_120 });
      stillHeld('a refresh raising another event answered');
      await grant.refreshFrom({ ip: '198.51.100.20', userAgent: CHROME_120 });
      stillHeld('a second one answered');
      const user = await seedUser(server.store);
      for (const password of ['wrong', PASSWORD]) {
        const response = await postLogin(await beginInteraction(server, client), { username: user.username, password });
        assert.equal(response.status, 429, 'the account is locked after one failure, raising login.throttled');
        stillHeld('a throttled login answered');
      }
      // The receiver fails the held POST and takes the rest: the failure is logged and every event still arrives.
      receiver.otherwise = 200;
      receiver.release(500);
      await eventually('the queued events are delivered', () => receiver.received.filter(({ event }) => event.type === 'login.throttled').length === 2);
      assert.match(server.logs(), /"outcome":"http_500","willRetry":true,"msg":"security webhook delivery failed"/);
      assert.equal(server.logs().includes(SECRET), false, 'the secret is never logged');
    });
  });
});
