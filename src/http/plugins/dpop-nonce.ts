// RFC 9449 §8: when nonces are required, every answer to a DPoP request (success or error) carries a fresh DPoP-Nonce.
import type { FastifyInstance } from 'fastify';
import type { DpopProofChecker } from '../../dpop/proof-checker.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes DPoP proofs: its answers carry the current nonce when nonces are on. */
    dpop?: boolean;
  }
}

/** A request uses DPoP when it carries a proof, or presents its token with the DPoP scheme (RFC 9449 §7.1). */
const usesDpop = (headers: Readonly<Record<string, unknown>>): boolean =>
  headers.dpop !== undefined || (typeof headers.authorization === 'string' && /^dpop\s/i.test(headers.authorization));

export function registerDpopNonces(app: FastifyInstance, checker: Pick<DpopProofChecker, 'currentNonce'>): void {
  app.addHook('onRequest', (request, reply, done) => {
    const nonce = request.routeOptions.config.dpop === true && usesDpop(request.headers) ? checker.currentNonce() : undefined;
    if (nonce !== undefined) reply.header('dpop-nonce', nonce);
    done();
  });
}
