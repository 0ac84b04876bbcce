// The security webhook in a running Gatehouse: security events reach a real receiver signed, a receiver that never
// answers slows no token request, and shutdown waits for it no longer than securityWebhook.timeout.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TRUSTING_LOOPBACK_PROXY } from '../support/client-ip.js';
import { createTestStore, forEachEngine, type TestStore } from '../support/database.js';
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
    let closed: Promise<void> | undefined;
    before(async () => {
      receiver = await startWebhookReceiver();
      database = await createTestStore(engine);
      server = await startTestServer(database, {
        ...TRUSTING_LOOPBACK_PROXY,
        GATEHOUSE_SECURITY_WEBHOOK_URL: receiver.url,
        GATEHOUSE_SECURITY_WEBHOOK_SECRET: SECRET,
        GATEHOUSE_SECURITY_WEBHOOK_TIMEOUT: '300',
      });
    });
    after(async () => {
      await (closed ?? server.close());
      await database.cleanup();
      await receiver.close();
    });

    it('POSTs a context change, signed, with the refreshing request\'s IP', async () => {
      const grant = await grantFrom(server, HOME);
      await grant.refreshFrom({ ip: '203.0.113.9', userAgent: FIREFOX });
      await eventually('the event reaches the receiver', () => receiver.received.some(({ event }) => event.details.familyId === grant.familyId));
      const delivered = receiver.received.find(({ event }) => event.details.familyId === grant.familyId)!;
      assert.equal(verifyWebhookSignature(SECRET, delivered.signature, delivered.body), true);
      const { type, clientId, userId, ip, details } = delivered.event;
      assert.deepEqual({ type, clientId, userId, ip, details }, {
        type: 'refresh_token.context_changed',
        clientId: grant.clientId,
        userId: grant.userId,
        ip: '203.0.113.9',
        details: { familyId: grant.familyId, change: 'both' },
      });
    });

    it('answers refreshes while the receiver hangs, and shuts down without waiting for it', async () => {
      receiver.otherwise = 'hang';
      const sent = receiver.received.length;
      const grant = await grantFrom(server, HOME);
      await grant.refreshFrom({ ip: '203.0.113.9', userAgent: CHROME_120 });
      await eventually('the event is in flight', () => receiver.received.length > sent);
      // The receiver holds the first event's request open: refreshes still answer (each raising another event).
      await grant.refreshFrom({ ip: '192.0.2.1', userAgent: CHROME_120 });
      await grant.refreshFrom({ ip: '198.51.100.20', userAgent: CHROME_120 });
      closed = server.close();
      await closed;
      await eventually('the receiver sees every request it held abandoned', () => receiver.abandoned === receiver.received.length - sent);
      assert.match(server.logs(), /security webhook/);
      assert.equal(server.logs().includes(SECRET), false, 'the secret is never logged');
    });
  });
});
