// The security webhook sender against a real receiver: signed delivery, retries, giving up, no redirects, a bounded
// queue that drops the oldest, and a shutdown that a hanging receiver cannot hold up.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { GatehouseEvent } from '../../src/observability/events.js';
import { createLogger } from '../../src/observability/logger.js';
import { SecurityWebhook, type WebhookDeliveryOutcome } from '../../src/observability/security-webhook.js';
import { eventually } from '../support/logout-receiver.js';
import { startWebhookReceiver, verifyWebhookSignature, type WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = 'webhook-secret-0123456789abcdefghijklmnop';
const CONTEXT = { requestId: 'req-1', ip: '203.0.113.9', userAgent: 'thief/0.1' };
/** Security events told apart by their `retryAfter`. */
const throttled = (marker: number): GatehouseEvent => ({ type: 'login.throttled', usernameHash: 'h', scope: 'ip', retryAfter: marker, passwordChecked: false });
const markers = (receiver: WebhookReceiver) => receiver.received.map(({ event }) => event.details.retryAfter);

/** A sender to `receiver` recording each outcome, then telling `onReport` (which may throw). */
function aSender(receiver: WebhookReceiver, settings: Partial<{ timeout: number; maxAttempts: number; queueLimit: number }> = {}, onReport = () => {}) {
  const outcomes: WebhookDeliveryOutcome[] = [];
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, callback) => void (lines.push(chunk.toString('utf8')), callback()) });
  const webhook = new SecurityWebhook({
    settings: { url: receiver.url, secret: SECRET, timeout: 2000, maxAttempts: 3, retryDelay: 10, queueLimit: 100, ...settings },
    logger: createLogger('info', sink),
    clock: () => 1_700_000_000,
    onDelivery: (outcome) => {
      outcomes.push(outcome);
      onReport();
    },
  });
  return { webhook, outcomes, logs: () => lines.join('') };
}

describe('security webhook sender', () => {
  let receiver: WebhookReceiver;
  before(async () => (receiver = await startWebhookReceiver()));
  after(() => receiver.close());
  const reset = (otherwise: WebhookReceiver['otherwise'] = 200) => {
    receiver.received.length = 0;
    receiver.answers.length = 0;
    receiver.otherwise = otherwise;
    receiver.abandoned = 0;
  };

  it('POSTs the event as JSON with a signature over timestamp and body that the README recipe verifies', async () => {
    reset();
    const { webhook, outcomes, logs } = aSender(receiver);
    webhook.enqueue({ type: 'refresh_token.reused', userId: 'u-1', clientId: 'c-1', familyId: 'f-1', firstUse: null }, CONTEXT);
    await eventually('the event is delivered', () => outcomes.length === 1);
    assert.deepEqual(outcomes, ['delivered']);
    const [{ signature, body, event }] = receiver.received as [WebhookReceiver['received'][number]];
    assert.match(event.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual({ ...event, id: '' }, {
      id: '', type: 'refresh_token.reused', occurredAt: 1_700_000_000, clientId: 'c-1', userId: 'u-1', requestId: 'req-1', ip: '203.0.113.9',
      details: { familyId: 'f-1', firstUse: null },
    });
    assert.match(signature, /^t=1700000000,v1=[0-9a-f]{64}$/);
    assert.equal(verifyWebhookSignature(SECRET, signature, body), true);
    assert.equal(verifyWebhookSignature(SECRET, signature, body.replace('u-1', 'u-2')), false, 'a changed body fails');
    assert.equal(verifyWebhookSignature(SECRET, signature.replace('t=1700000000', 't=1700000001'), body), false, 'so does a changed timestamp');
    assert.equal(verifyWebhookSignature('another-secret-0123456789abcdefghijkl', signature, body), false);
    await webhook.stop();
    assert.equal(logs().includes(SECRET), false, 'the secret is never logged');
  });

  it('retries after 500s with the same event id, and counts one delivery', async () => {
    reset();
    receiver.answers.push(500, 500);
    const { webhook, outcomes, logs } = aSender(receiver);
    webhook.enqueue(throttled(1), CONTEXT);
    await eventually('the third attempt is delivered', () => outcomes.length === 1);
    assert.deepEqual(outcomes, ['delivered']);
    assert.equal(new Set(receiver.received.map(({ event }) => event.id)).size, 1);
    assert.equal(receiver.received.length, 3);
    assert.equal(logs().match(/"outcome":"http_500","willRetry":true/g)?.length, 2);
    await webhook.stop();
  });

  it('gives up after maxAttempts', async () => {
    reset(500);
    const { webhook, outcomes, logs } = aSender(receiver, { maxAttempts: 2 });
    webhook.enqueue(throttled(1), CONTEXT);
    await eventually('the event is given up on', () => outcomes.length === 1);
    assert.deepEqual(outcomes, ['failed']);
    assert.equal(receiver.received.length, 2);
    assert.match(logs(), /"attempt":2,"outcome":"http_500","willRetry":false/);
    await webhook.stop();
  });

  it('follows no redirect: a 302 is a failed attempt and its location gets nothing', async () => {
    reset();
    receiver.answers.push(302);
    const { webhook, outcomes } = aSender(receiver, { maxAttempts: 1 });
    webhook.enqueue(throttled(1), CONTEXT);
    await eventually('the event is given up on', () => outcomes.length === 1);
    assert.deepEqual(outcomes, ['failed']);
    assert.equal(receiver.received.length, 1, 'nothing reached the redirect target');
    await webhook.stop();
  });

  it('drops the oldest queued events when the queue is full, and logs how many', async () => {
    reset();
    receiver.answers.push('hang');
    const { webhook, outcomes, logs } = aSender(receiver, { queueLimit: 2 });
    webhook.enqueue(throttled(1), CONTEXT);
    await eventually('the first event is in flight', () => receiver.received.length === 1);
    for (const marker of [2, 3, 4, 5]) webhook.enqueue(throttled(marker), CONTEXT);
    assert.deepEqual(outcomes, ['dropped', 'dropped']);
    receiver.release(200);
    await eventually('the kept events are delivered', () => outcomes.length === 5);
    assert.deepEqual(markers(receiver), [1, 4, 5]);
    await webhook.stop();
    assert.match(logs(), /"dropped":2,"queueLimit":2,"msg":"security webhook queue full: dropped the oldest events"/);
  });

  it('keeps delivering when the delivery callback throws', async () => {
    reset();
    let reports = 0;
    const { webhook, outcomes, logs } = aSender(receiver, {}, () => {
      if (++reports === 1) throw new Error('metric broke');
    });
    for (const marker of [1, 2]) webhook.enqueue(throttled(marker), CONTEXT);
    await eventually('both events are delivered', () => outcomes.length === 2);
    assert.deepEqual(markers(receiver), [1, 2]);
    assert.match(logs(), /"msg":"security webhook delivery report failed"/);
    await webhook.stop();
  });

  it('stops within its timeout while the receiver hangs, interrupting the attempt and dropping the rest', async () => {
    reset('hang');
    const { webhook, outcomes, logs } = aSender(receiver, { timeout: 200 });
    for (const marker of [1, 2, 3]) webhook.enqueue(throttled(marker), CONTEXT);
    await eventually('the first event is in flight', () => receiver.received.length === 1);
    await webhook.stop();
    // The first attempt ends by its own timeout, the next by the drain's deadline; whatever is left is dropped.
    assert.equal(outcomes.length, 3);
    assert.equal(outcomes[0], 'failed');
    assert.equal(outcomes.at(-1), 'dropped');
    assert.match(logs(), /"undelivered":[12],"msg":"security webhook: events left undelivered at shutdown"/);
    await eventually('the receiver sees the connections closed', () => receiver.abandoned === receiver.received.length);
    const sent = receiver.received.length;
    webhook.enqueue(throttled(4), CONTEXT);
    assert.deepEqual(outcomes.slice(3), ['dropped'], 'an event after stop is not sent');
    assert.equal(receiver.received.length, sent);
  });
});
