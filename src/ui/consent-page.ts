// The consent page: the client's registered name, each requested scope in plain words, and Allow or Deny.
import { html } from './html.js';
import { renderPage, type RenderedPage } from './layout.js';

export interface ConsentPageOptions {
  /** The client's name as registered (escaped like every value). */
  readonly clientName: string;
  /** One plain-words line per requested scope. */
  readonly scopeDescriptions: readonly string[];
  /** Who is signed in, so the person sees which account is granting access. */
  readonly username: string | null;
  readonly interactionId: string;
  /** The interaction's anti-CSRF token, sent back in a hidden field. */
  readonly csrfToken: string;
  /** The client's redirect URI: the decision redirects there, and CSP form-action covers the redirect. Empty for a device. */
  readonly redirectUri: string;
  /** RFC 8628 §5.4: a device asks, so the page says so plainly and a code phished from someone else is noticed. */
  readonly device?: boolean;
}

/** RFC 8628 §5.4: the warning a person approving a device sees before deciding. */
const DEVICE_WARNING = 'A device is asking to connect to your account. Allow only if you started this on a device you have with you.';

export function renderConsentPage(options: ConsentPageOptions): RenderedPage {
  const account = options.username === null ? '' : html`<p class="muted">Signed in as <strong>${options.username}</strong>.</p>`;
  return renderPage({
    title: `Allow ${options.clientName} to access your account?`,
    formActions: options.device === true ? [] : [options.redirectUri],
    body: html`<h1>${options.device === true ? 'Connect this device?' : 'Allow access?'}</h1>
${options.device === true ? html`<p class="alert" role="note">${DEVICE_WARNING}</p>` : ''}
<p class="lead"><strong>${options.clientName}</strong> would like to:</p>
<ul class="scopes">
${options.scopeDescriptions.map((description) => html`<li>${description}</li>`)}
</ul>
${account}
<form method="post" action="/consent">
<input type="hidden" name="interaction" value="${options.interactionId}">
<input type="hidden" name="csrf_token" value="${options.csrfToken}">
<div class="actions">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</div>
</form>`,
  });
}
