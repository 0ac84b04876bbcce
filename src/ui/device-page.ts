// The device verification pages (RFC 8628 §3.3): enter the code shown on the device, and the page that ends the flow.
import { html } from './html.js';
import { waitMessage } from './login-page.js';
import { renderPage, type RenderedPage } from './layout.js';

/** Said for any code that cannot be used, whether it never existed, expired or was already used (RFC 8628 §5.1). */
export const UNRECOGNISED_CODE = "That code wasn't recognised. Check it and try again.";

/** What to tell the person above the code form, if anything. */
export type DeviceCodeNotice = { readonly kind: 'unrecognised' } | { readonly kind: 'throttled'; readonly retryAfter: number };

export interface DeviceCodePageOptions {
  /** The code to prefill (from `verification_uri_complete`, or what was typed before); escaped like every value. */
  readonly userCode: string;
  /** The anti-CSRF token of this browser's code form, sent back in a hidden field. */
  readonly csrfToken: string;
  readonly notice?: DeviceCodeNotice;
}

export function renderDeviceCodePage(options: DeviceCodePageOptions): RenderedPage {
  const { notice } = options;
  const alert = notice && html`<p class="alert" role="alert" id="code-notice">${notice.kind === 'unrecognised' ? UNRECOGNISED_CODE : waitMessage(notice.retryAfter)}</p>`;
  const described = notice ? html` aria-describedby="code-notice"` : '';
  const invalid = notice?.kind === 'unrecognised' ? html` aria-invalid="true"` : '';
  return renderPage({
    title: 'Connect a device',
    body: html`<h1>Connect a device</h1>
<p class="lead">Enter the code shown on your device. Only enter a code from a device you are setting up yourself.</p>
${alert}
<form method="post" action="/device">
<input type="hidden" name="csrf_token" value="${options.csrfToken}">
<div class="field">
<label for="user_code">Code</label>
<input id="user_code" name="user_code" type="text" value="${options.userCode}" placeholder="ABCD-EFGH" autocomplete="one-time-code" autocapitalize="characters" autocorrect="off" spellcheck="false" maxlength="32" required autofocus${described}${invalid}>
</div>
<button type="submit">Continue</button>
</form>`,
  });
}

/** The last page: the device has its answer, so the person goes back to it. */
export function renderDeviceDonePage(options: { readonly clientName: string; readonly approved: boolean }): RenderedPage {
  const { clientName, approved } = options;
  if (!approved) {
    return renderPage({
      title: 'Device not connected',
      body: html`<h1>Device not connected</h1>
<p class="lead"><strong>${clientName}</strong> was not given access to your account. You can close this page.</p>`,
    });
  }
  return renderPage({
    title: "You're all set",
    body: html`<h1>You're all set</h1>
<p class="lead"><strong>${clientName}</strong> is now connected to your account. Return to your device to continue; you can close this page.</p>`,
  });
}
