// The logout pages: the confirmation with its anti-CSRF token, the result, and the answer when no one is signed in.
import { html } from './html.js';
import { renderPage, type RenderedPage } from './layout.js';

export interface LogoutConfirmOptions {
  readonly username: string | null;
  /** The application that asked for the logout (RP-Initiated Logout), as registered; null for Gatehouse's own page. */
  readonly clientName: string | null;
  /** The pending logout's parameters, carried to the POST; absent ones are left out. */
  readonly fields: Readonly<Record<string, string | undefined>>;
  /** Where the confirmed logout redirects (the registered post-logout redirect URI): CSP form-action must allow it. */
  readonly returnTo: string | undefined;
  readonly csrfToken: string;
}

/** "Sign out of Gatehouse?" with one button; the token ties the POST to this browser's session and these fields. */
export function renderLogoutConfirmPage(options: LogoutConfirmOptions): RenderedPage {
  const who = options.username === null ? '' : html`<p class="lead">You are signed in as <strong>${options.username}</strong>.</p>`;
  const asking = options.clientName === null ? '' : html`<p><strong>${options.clientName}</strong> asks you to sign out.</p>`;
  const hidden = Object.entries(options.fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`);
  return renderPage({
    title: 'Sign out of Gatehouse?',
    formActions: options.returnTo === undefined ? [] : [options.returnTo],
    body: html`<h1>Sign out of Gatehouse?</h1>
${who}
${asking}
<p class="muted">Applications you signed in to through Gatehouse will ask you to sign in again.</p>
<form method="post" action="/logout">
${hidden}<input type="hidden" name="csrf_token" value="${options.csrfToken}">
<button type="submit" autofocus>Sign out</button>
</form>`,
  });
}

export function renderSignedOutPage(): RenderedPage {
  return renderPage({
    title: 'You are signed out',
    body: html`<h1>You are signed out</h1>
<p class="lead">Your Gatehouse session in this browser has ended. You can close this window.</p>`,
  });
}

export function renderNotSignedInPage(): RenderedPage {
  return renderPage({
    title: 'You are not signed in',
    body: html`<h1>You are not signed in</h1>
<p class="lead">There is no Gatehouse session in this browser to sign out of.</p>`,
  });
}
