// Sends a rendered page with its own CSP, never cached: the one way routes answer a person with HTML.
import type { FastifyReply } from 'fastify';
import type { RenderedPage } from '../ui/layout.js';

/** SECURITY.md: every page carries its nonce'd CSP and Cache-Control: no-store (the plugin adds the other headers). */
export function sendPage(reply: FastifyReply, page: RenderedPage, status = 200): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', page.csp)
    .header('cache-control', 'no-store')
    .send(page.html);
}
