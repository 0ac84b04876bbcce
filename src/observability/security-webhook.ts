// The security webhook: every security event POSTed as signed JSON from a bounded in-memory queue, with retries,
// never holding up or failing the request that emitted it (README "Security events").
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { postBounded, type PostOutcome } from '../outbound/bounded-post.js';
import { toAuditEvent } from './audit.js';
import { SECURITY_EVENT_TYPES, type EventBus, type EventContext, type GatehouseEvent } from './events.js';
import type { Logger } from './logger.js';
import { SIGNATURE_HEADER, signWebhookBody } from './webhook-signature.js';

/** Each event's fate, told once: delivered, given up on after its attempts, or dropped (queue full, or at shutdown). */
export type WebhookDeliveryOutcome = 'delivered' | 'failed' | 'dropped';

export type SecurityWebhookSettings = Omit<Config['securityWebhook'], 'url' | 'secret'> & { readonly url: string; readonly secret: string };

export interface SecurityWebhookDeps {
  readonly settings: SecurityWebhookSettings;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly onDelivery?: (outcome: WebhookDeliveryOutcome) => void;
}

/** An event as the receiver gets it: its body is fixed once, so every attempt sends the same `id`. */
interface QueuedEvent {
  readonly id: string;
  readonly type: string;
  readonly body: string;
}

/** A full queue is reported at most this often, with how many events were dropped meanwhile. */
const DROP_REPORT_INTERVAL_MS = 1000;
/** No single wait between attempts is longer, however many attempts are configured. */
const MAX_RETRY_WAIT_MS = 300_000;

export class SecurityWebhook {
  private readonly queue: QueuedEvent[] = [];
  private worker: Promise<void> | undefined;
  /** Aborted by `stop`: no more retries or waits, no new events. */
  private readonly draining = new AbortController();
  /** Aborted when the shutdown drain runs out of time: the attempt in flight ends. */
  private readonly interrupt = new AbortController();
  private dropped = 0;
  private dropReport: NodeJS.Timeout | undefined;

  constructor(private readonly deps: SecurityWebhookDeps) {}

  /** Queues every security event the bus carries; only queues, so the emitting request never waits on the receiver. */
  attach(bus: EventBus): void {
    bus.subscribe((event, context) => {
      if (SECURITY_EVENT_TYPES.has(event.type)) this.enqueue(event, context);
    });
  }

  enqueue(event: GatehouseEvent, context: EventContext): void {
    // Stopping: the event is in the audit trail and the log, but no longer sent.
    if (this.draining.signal.aborted) return this.deps.onDelivery?.('dropped');
    const { type, occurredAt, clientId, userId, requestId, ip, details } = toAuditEvent(event, context, this.deps.clock());
    const id = randomUUID();
    const body = JSON.stringify({ id, type, occurredAt, clientId, userId, requestId, ip, details });
    // Full: the oldest goes, so the latest events (an attack in progress) are the ones kept.
    if (this.queue.length >= this.deps.settings.queueLimit) {
      this.queue.shift();
      this.dropOldest();
    }
    this.queue.push({ id, type, body });
    this.worker ??= this.work();
  }

  /**
   * Stops retrying and gives each queued event one more attempt, for at most `timeout` in all; the attempt then in
   * flight is interrupted and what is left is dropped, with a log line saying how many.
   */
  async stop(): Promise<void> {
    this.draining.abort();
    const deadline = setTimeout(() => this.interrupt.abort(), this.deps.settings.timeout);
    await this.worker;
    clearTimeout(deadline);
    const left = this.queue.splice(0).length;
    if (left > 0) this.deps.logger.warn({ undelivered: left }, 'security webhook: events left undelivered at shutdown');
    for (let index = 0; index < left; index++) this.deps.onDelivery?.('dropped');
    this.reportDrops();
  }

  /** One event at a time, in order; the worker ends (and the next event starts another) when the queue is empty. */
  private async work(): Promise<void> {
    for (let next = this.queue.shift(); next !== undefined; next = this.interrupt.signal.aborted ? undefined : this.queue.shift()) {
      // A failing `onDelivery` (or logger) loses its own report, never the queue behind it.
      await this.deliver(next).catch((error: unknown) => this.deps.logger.error({ err: error }, 'security webhook delivery report failed'));
    }
    this.worker = undefined;
  }

  private async deliver(event: QueuedEvent): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.post(event);
      if (outcome === 'delivered') return this.deps.onDelivery?.('delivered');
      const willRetry = attempt < this.deps.settings.maxAttempts && !this.draining.signal.aborted;
      this.deps.logger.warn({ eventId: event.id, event: event.type, attempt, outcome, willRetry }, 'security webhook delivery failed');
      if (!willRetry) return this.deps.onDelivery?.('failed');
      await this.waitBeforeRetry(attempt);
    }
  }

  /** Signed at each attempt, so the timestamp says when this attempt was sent. */
  private post(event: QueuedEvent): Promise<PostOutcome> {
    const { url, secret, timeout } = this.deps.settings;
    const headers = { [SIGNATURE_HEADER]: signWebhookBody(secret, this.deps.clock(), event.body) };
    return postBounded(url, { contentType: 'application/json', body: event.body, headers }, timeout, this.interrupt.signal);
  }

  /** Exponential backoff with jitter (between half and all of the doubled delay), cut short by `stop`. */
  private async waitBeforeRetry(attempt: number): Promise<void> {
    const ceiling = Math.min(this.deps.settings.retryDelay * 2 ** (attempt - 1), MAX_RETRY_WAIT_MS);
    const wait = ceiling / 2 + Math.random() * (ceiling / 2);
    await sleep(wait, undefined, { signal: this.draining.signal, ref: false }).catch(() => undefined);
  }

  private dropOldest(): void {
    this.deps.onDelivery?.('dropped');
    this.dropped++;
    this.dropReport ??= setTimeout(() => this.reportDrops(), DROP_REPORT_INTERVAL_MS).unref();
  }

  private reportDrops(): void {
    clearTimeout(this.dropReport);
    this.dropReport = undefined;
    if (this.dropped === 0) return;
    this.deps.logger.warn({ dropped: this.dropped, queueLimit: this.deps.settings.queueLimit }, 'security webhook queue full: dropped the oldest events');
    this.dropped = 0;
  }
}

/** The webhook, queuing from `bus`, when a URL is configured (the config rules then require its secret); else none. */
export function attachSecurityWebhook(bus: EventBus, settings: Config['securityWebhook'], deps: Omit<SecurityWebhookDeps, 'settings'>): SecurityWebhook | undefined {
  const { url, secret, ...limits } = settings;
  if (url === undefined || secret === undefined) return undefined;
  const webhook = new SecurityWebhook({ ...deps, settings: { url, secret, ...limits } });
  webhook.attach(bus);
  return webhook;
}
