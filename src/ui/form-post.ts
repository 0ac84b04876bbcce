// The form_post response page (OAuth 2.0 Form Post Response Mode): an auto-submitting form to the redirect URI.
import { html } from './html.js';
import { renderPage, type RenderedPage } from './layout.js';

// A constant, never request data; calling the prototype's submit keeps working whatever the inputs are named.
const SUBMIT_SCRIPT = 'HTMLFormElement.prototype.submit.call(document.forms[0]);';

/**
 * Renders a page whose form POSTs `fields` to `redirectUri` as soon as it loads, with a button for browsers
 * without script. Every value is escaped; the CSP allows the script by nonce and the form only to that URI's origin.
 */
export function renderFormPostPage(redirectUri: string, fields: Readonly<Record<string, string>>): RenderedPage {
  const inputs = Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  return renderPage({
    title: 'Returning to the application',
    body: html`<h1>Returning to the application</h1>
<form method="post" action="${redirectUri}">
${inputs}
<noscript><p class="lead">Script is turned off in this browser, so continue by hand.</p><button type="submit">Continue</button></noscript>
</form>`,
    script: SUBMIT_SCRIPT,
    formActions: [redirectUri],
  });
}
