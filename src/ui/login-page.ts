// The login page: the client's name, labelled username and password fields, and the one generic failure message.
import { html } from './html.js';
import { renderPage, type RenderedPage } from './layout.js';

/** SECURITY.md (login): the only failure text, whatever was wrong. */
export const INVALID_CREDENTIALS = 'Invalid username or password.';

/** What to tell the person above the form, if anything. */
export type LoginNotice = { readonly kind: 'invalid' } | { readonly kind: 'throttled'; readonly retryAfter: number };

export interface LoginPageOptions {
  /** The client's registered name: "Sign in to continue to <name>"; null when signing in to the account page. */
  readonly clientName: string | null;
  readonly interactionId: string;
  /** The interaction's anti-CSRF token, sent back in a hidden field. */
  readonly csrfToken: string;
  /** Prefilled username: the login_hint, or what was typed before a failure (never the password). */
  readonly username?: string | null;
  readonly notice?: LoginNotice;
  /** Where a successful login may end up (the client's redirect URI), for the page's form-action. */
  readonly formActions?: readonly string[];
}

/** How long to wait, in words: "Too many attempts. Try again in 2 minutes." (minutes rounded up). */
export function waitMessage(seconds: number): string {
  if (seconds < 60) {
    const whole = Math.max(1, Math.ceil(seconds));
    return `Too many attempts. Try again in ${whole} ${whole === 1 ? 'second' : 'seconds'}.`;
  }
  const minutes = Math.ceil(seconds / 60);
  return `Too many attempts. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
}

function noticeText(notice: LoginNotice): string {
  return notice.kind === 'invalid' ? INVALID_CREDENTIALS : waitMessage(notice.retryAfter);
}

export function renderLoginPage(options: LoginPageOptions): RenderedPage {
  const username = options.username ?? '';
  const notice = options.notice;
  // The alert is announced when the page loads, and the fields point at it so it is read again on focus.
  const alert = notice && html`<p class="alert" role="alert" id="login-notice">${noticeText(notice)}</p>`;
  const described = notice ? html` aria-describedby="login-notice"` : '';
  const invalid = notice?.kind === 'invalid' ? html` aria-invalid="true"` : '';
  // Focus goes to the first field still to fill: the username, or the password when the username is known.
  const focusUsername = username === '' ? html` autofocus` : '';
  const focusPassword = username === '' ? '' : html` autofocus`;
  const destination = options.clientName ?? 'your Gatehouse account';
  return renderPage({
    title: `Sign in to ${destination}`,
    formActions: options.formActions,
    body: html`<h1>Sign in</h1>
<p class="lead">to continue to <strong>${destination}</strong></p>
${alert}
<form method="post" action="/login">
<input type="hidden" name="interaction" value="${options.interactionId}">
<input type="hidden" name="csrf_token" value="${options.csrfToken}">
<div class="field">
<label for="username">Username</label>
<input id="username" name="username" type="text" value="${username}" autocomplete="username" autocapitalize="none" autocorrect="off" spellcheck="false" required${described}${invalid}${focusUsername}>
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${described}${invalid}${focusPassword}>
</div>
<button type="submit">Sign in</button>
</form>`,
  });
}
