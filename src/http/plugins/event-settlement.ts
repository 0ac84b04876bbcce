// A response waits for the audit rows of the events its request emitted (README "Audit trail"): what a client is told
// happened is on record before it is told, so a crash after the answer loses none of it.
import type { FastifyInstance } from 'fastify';
import type { EventBus } from '../../observability/events.js';

export function registerEventSettlement(app: FastifyInstance, events: EventBus): void {
  app.addHook('onSend', (request, _reply, payload, done) => {
    const settled = events.settle(request.id);
    if (settled === undefined) return done(null, payload);
    // The bus has already reported a failed write; the answer goes out either way.
    void settled.then(() => done(null, payload));
  });
}
