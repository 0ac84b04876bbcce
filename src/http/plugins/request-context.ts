// Request ids: taken from X-Request-Id only when a trusted proxy sent it and it is a short safe token, otherwise
// minted here (SECURITY.md, Proxies); echoed back on every response.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { ProxyTrust } from '../proxy-trust.js';

// Short and of characters that are safe in logs, headers and the audit trail.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The request id generator for Fastify's `genReqId`: a caller's id is believed only from a trusted proxy. */
export function requestIdGenerator(trust: ProxyTrust): (request: IncomingMessage) => string {
  return (request) => {
    const incoming = request.headers['x-request-id'];
    const fromTrustedProxy = trust(request.socket.remoteAddress, 0);
    return fromTrustedProxy && typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  };
}

export function registerRequestContext(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
}
