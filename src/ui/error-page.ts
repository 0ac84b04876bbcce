// The error page a person sees: what went wrong in plain words, a way back to the application when it is known, the
// request id for support, and the technical detail in small print; never a stack or a raw request value.
import { html } from './html.js';
import { renderPage, type RenderedPage } from './layout.js';

/** The kinds of trouble a person meets, each with its own heading and plain explanation. */
export type ErrorSituation = 'broken-link' | 'expired' | 'refused' | 'busy' | 'server';

/** Fixed wording per situation; `refused` has no explanation of its own (the error's description is written for people). */
export const SITUATION_WORDING: Readonly<Record<ErrorSituation, { readonly title: string; readonly message?: string }>> = {
  'broken-link': {
    title: 'This sign-in link is broken',
    message:
      'The application that sent you here made a sign-in request this service cannot accept, so it cannot safely send you back. ' +
      'Start again from the application; if this keeps happening, tell its support team and quote the request ID below.',
  },
  expired: {
    title: 'This sign-in request has expired',
    message: 'It was already used, left open too long, or started in another browser. Go back to the application and sign in again.',
  },
  refused: { title: 'This request cannot be completed' },
  // The error's own description says how long to wait.
  busy: { title: 'Please try again in a moment' },
  server: {
    title: 'Something went wrong',
    message: 'The sign-in service met an unexpected problem. Try again in a moment; if it keeps happening, quote the request ID below to support.',
  },
};

export interface ErrorPageOptions {
  /** A short fixed heading, e.g. "This sign-in link is broken". */
  readonly title: string;
  /** A fixed sentence saying what happened and what the person can do. */
  readonly message: string;
  /** Shown so a person can quote it to support; it is escaped like everything else. */
  readonly requestId?: string | undefined;
  /** "Return to <name>": only ever the application's registered home, never a request value. */
  readonly returnTo?: { readonly name: string; readonly href: string } | undefined;
  /** The error code and its fixed description, in small print for whoever debugs the integration. */
  readonly technical?: { readonly code: string; readonly description: string } | undefined;
}

export function renderErrorPage(options: ErrorPageOptions): RenderedPage {
  const { returnTo, technical, requestId } = options;
  return renderPage({
    title: options.title,
    body: html`<h1>${options.title}</h1>
<p class="lead">${options.message}</p>
${returnTo === undefined ? '' : html`<p><a class="return" href="${returnTo.href}">Return to ${returnTo.name}</a></p>`}
${requestId === undefined ? '' : html`<p class="request-id">Request ID: <code>${requestId}</code></p>`}
${technical === undefined ? '' : html`<p class="technical">Technical detail: <code>${technical.code}</code> ${technical.description}</p>`}`,
  });
}
