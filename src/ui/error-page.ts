// The error page a person sees: a plain explanation and the request id for support, never a stack or a raw value.
import { html } from './html.js';
import { renderPage, type RenderedPage } from './layout.js';

export interface ErrorPageOptions {
  /** A short fixed heading, e.g. "This request cannot be completed". */
  readonly title: string;
  /** A fixed sentence saying what happened and what the person can do. */
  readonly message: string;
  /** Shown so a person can quote it to support; it is escaped like everything else. */
  readonly requestId?: string | undefined;
}

export function renderErrorPage(options: ErrorPageOptions): RenderedPage {
  const requestId = options.requestId === undefined ? '' : html`<p class="request-id">Request ID: <code>${options.requestId}</code></p>`;
  return renderPage({
    title: options.title,
    body: html`<h1>${options.title}</h1>
<p class="lead">${options.message}</p>
${requestId}`,
  });
}
