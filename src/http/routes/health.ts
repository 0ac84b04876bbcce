// GET /healthz (the process is alive) and GET /readyz (the database answers).
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/store.js';
import { rejectOtherMethods } from '../plugins/error-handler.js';

const READINESS_TIMEOUT_MS = 2000;

// Load balancers and orchestrators must see the process alive and ready while it sheds load.
const options = { config: { neverShed: true } };

export function registerHealthRoutes(app: FastifyInstance, store: Store): void {
  app.get('/healthz', options, (_request, reply) => reply.send({ status: 'ok' }));
  rejectOtherMethods(app, '/healthz', ['GET']);

  app.get('/readyz', options, async (request, reply) => {
    try {
      await withTimeout(store.ping(), READINESS_TIMEOUT_MS);
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      return reply.code(503).send({ status: 'unavailable', reason: 'database unavailable' });
    }
  });
  rejectOtherMethods(app, '/readyz', ['GET']);
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
