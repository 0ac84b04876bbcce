// A security webhook receiver on loopback: records every POST, answers the statuses it is told to (or hangs), and
// verifies signatures the way README "Security events" tells a receiver to.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface ReceivedWebhook {
  readonly signature: string;
  readonly body: string;
  readonly event: { id: string; type: string; occurredAt: number; clientId: string | null; userId: string | null; requestId: string | null; ip: string | null; details: Record<string, unknown> };
}

/** A status to answer with, or `hang`: never answer (until released or the sender gives up). */
export type ReceiverAnswer = number | 'hang';

export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** Answers for the next requests, in turn; `otherwise` once they are used up. */
  readonly answers: ReceiverAnswer[];
  otherwise: ReceiverAnswer;
  /** Requests whose connection closed before they were answered: the sender gave up on them. */
  abandoned: number;
  /** Answers every hanging request with `status`. */
  release(status: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const hanging = new Set<ServerResponse>();
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    receiver.received.push({ signature: String(request.headers['gatehouse-signature']), body, event: JSON.parse(body) as ReceivedWebhook['event'] });
    const answer = receiver.answers.shift() ?? receiver.otherwise;
    if (answer !== 'hang') return void response.writeHead(answer, answer === 302 ? { location: `${receiver.url}/elsewhere` } : {}).end();
    hanging.add(response);
    response.on('close', () => {
      if (hanging.delete(response)) receiver.abandoned++;
    });
  };
  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('receiver has no port');
  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${address.port}/security-events`,
    received: [],
    answers: [],
    otherwise: 200,
    abandoned: 0,
    release(status) {
      const waiting = [...hanging];
      hanging.clear();
      for (const response of waiting) response.writeHead(status).end();
    },
    close: () => {
      receiver.release(503);
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return receiver;
}

/**
 * The README recipe: split `t=<timestamp>,v1=<hex>`, compute HMAC-SHA256(secret, "<timestamp>.<raw body>") and
 * compare in constant time; a receiver also refuses timestamps too far from its clock (not done here).
 */
export function verifyWebhookSignature(secret: string, header: string, body: string): boolean {
  const parts = new Map(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const timestamp = parts.get('t');
  const signature = parts.get('v1');
  if (timestamp === undefined || signature === undefined) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest();
  const presented = Buffer.from(signature, 'hex');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}
