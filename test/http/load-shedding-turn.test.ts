// Load shedding within one turn of the event loop: requests read together wait for each other, so once the turn has
// run past maxEventLoopDelay, the rest of them are shed at once, not served seconds late.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { it } from 'node:test';
import Fastify from 'fastify';
import { registerErrorHandling } from '../../src/http/plugins/error-handler.js';
import { registerLoadShedding } from '../../src/http/plugins/load-shedding.js';

const HANDLER_BUSY_MS = 80;

function busyFor(milliseconds: number): void {
  const until = performance.now() + milliseconds;
  while (performance.now() < until);
}

/** Resolves with the status code of the one response the socket gets. */
function statusOf(socket: Socket): Promise<number> {
  return new Promise((resolve, reject) => {
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (status) {
        resolve(Number(status[1]));
        socket.destroy();
      }
    });
    socket.on('error', reject);
  });
}

it('sheds the requests read in a turn that has already run past maxEventLoopDelay', async (t) => {
  const app = Fastify();
  registerErrorHandling(app);
  registerLoadShedding(app, { enabled: true, maxInFlight: 100, maxEventLoopDelay: 30, retryAfter: 1 });
  // Synchronous work, as a request on the embedded database does: the next request read in the turn waits for it.
  app.get('/work', () => (busyFor(HANDLER_BUSY_MS), 'done'));
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(() => app.close());
  const { port } = app.server.address() as { port: number };

  // libuv accepts one connection per turn: both must be accepted before the requests are sent.
  let accepted = 0;
  const bothAccepted = new Promise<void>((resolve) => app.server.on('connection', () => ++accepted === 2 && resolve()));
  const sockets = await Promise.all(
    [1, 2].map((): Promise<Socket> => new Promise((resolve, reject) => connect(port, '127.0.0.1').once('connect', function (this: Socket) { resolve(this); }).once('error', reject))),
  );
  await bothAccepted;
  const statuses = Promise.all(sockets.map(statusOf));
  // Both requests are on the wire before the loop next polls, so it reads them in the same turn.
  for (const socket of sockets) socket.write('GET /work HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
  busyFor(20);
  assert.deepEqual((await statuses).sort(), [200, 503]);
});
