// A framework-neutral HTTP answer built by the flows and error renderers; the HTTP layer copies it onto the reply.
import type { RenderedPage } from '../ui/layout.js';

export interface RenderedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** SECURITY.md (pages): a page goes out with its own nonce'd CSP and is never cached (the HTTP layer adds the other headers). */
export function pageResponse(page: RenderedPage, status = 200): RenderedResponse {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': page.csp, 'cache-control': 'no-store' },
    body: page.html,
  };
}
