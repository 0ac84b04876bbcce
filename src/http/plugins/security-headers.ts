// Security headers on every response; routes that may be cached override Cache-Control themselves.
import type { FastifyInstance } from 'fastify';

export function registerSecurityHeaders(app: FastifyInstance, issuer: string): void {
  const httpsIssuer = issuer.startsWith('https:');
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-site');
    // Pages set their own CSP with a script nonce; everything else loads nothing.
    if (!reply.hasHeader('content-security-policy')) {
      reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    }
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    if (httpsIssuer) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    done(null, payload);
  });
}
