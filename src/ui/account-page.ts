// The account page: connected applications with "Remove access", active sessions with "Sign out", and a password form.
import { html, type SafeHtml } from './html.js';
import { renderPage, type RenderedPage } from './layout.js';

export interface AccountApplication {
  readonly clientId: string;
  readonly clientName: string;
  readonly scopeDescriptions: readonly string[];
  readonly grantedAt: number;
  readonly lastUsedAt: number | null;
}

export interface AccountSession {
  /** The public session id the "Sign out" form names. */
  readonly sessionId: string;
  /** "Chrome on Linux". */
  readonly device: string;
  readonly ip: string | null;
  readonly signedInAt: number;
  readonly lastSeenAt: number;
  /** The session of the browser looking at the page. */
  readonly current: boolean;
}

export interface AccountPageOptions {
  readonly username: string;
  readonly applications: readonly AccountApplication[];
  readonly sessions: readonly AccountSession[];
  /** The anti-CSRF token bound to this session, in every form. */
  readonly csrfToken: string;
  /** A fixed confirmation of the last action, shown at the top. */
  readonly notice?: string;
  /** Why the password form was refused (fixed text, never a password). */
  readonly passwordProblem?: string;
  /** The person holds the admin role: the page links to the ops dashboard. */
  readonly admin?: boolean;
}

/** "2026-11-30 09:15 UTC": one unambiguous form whatever the browser's language. */
function timeOf(epochSeconds: number): SafeHtml {
  const iso = new Date(epochSeconds * 1000).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}

function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf_token" value="${token}">`;
}

function renderApplication(application: AccountApplication, csrfToken: string): SafeHtml {
  const lastUsed = application.lastUsedAt === null ? 'not yet' : timeOf(application.lastUsedAt);
  return html`<li>
<h3>${application.clientName}</h3>
<ul class="scopes">
${application.scopeDescriptions.map((description) => html`<li>${description}</li>`)}
</ul>
<p class="facts">Allowed ${timeOf(application.grantedAt)} · last used ${lastUsed}</p>
<form method="post" action="/account/applications/remove">
${csrfField(csrfToken)}<input type="hidden" name="client_id" value="${application.clientId}">
<button type="submit" class="secondary" aria-label="Remove access for ${application.clientName}">Remove access</button>
</form>
</li>`;
}

function renderSession(session: AccountSession, csrfToken: string): SafeHtml {
  const badge = session.current ? html`<span class="badge">This device</span>` : '';
  return html`<li>
<h3>${session.device}${badge}</h3>
<p class="facts">IP address ${session.ip ?? 'unknown'} · signed in ${timeOf(session.signedInAt)} · last seen ${timeOf(session.lastSeenAt)}</p>
<form method="post" action="/account/sessions/sign-out">
${csrfField(csrfToken)}<input type="hidden" name="session_id" value="${session.sessionId}">
<button type="submit" class="secondary" aria-label="Sign out ${session.current ? 'this device' : session.device}">Sign out</button>
</form>
</li>`;
}

function renderApplications(options: AccountPageOptions): SafeHtml {
  if (options.applications.length === 0) return html`<p class="muted">No application has access to your account.</p>`;
  return html`<ul class="items">${options.applications.map((application) => renderApplication(application, options.csrfToken))}</ul>`;
}

function renderPasswordForm(options: AccountPageOptions): SafeHtml {
  const problem = options.passwordProblem;
  const alert = problem === undefined ? '' : html`<p class="alert" role="alert" id="password-problem">${problem}</p>`;
  const described = problem === undefined ? '' : html` aria-describedby="password-problem"`;
  return html`<form method="post" action="/account/password">
${csrfField(options.csrfToken)}${alert}
<div class="field">
<label for="current_password">Current password</label>
<input id="current_password" name="current_password" type="password" autocomplete="current-password" required${described}>
</div>
<div class="field">
<label for="new_password">New password</label>
<input id="new_password" name="new_password" type="password" autocomplete="new-password" minlength="8" required${described}>
</div>
<div class="field">
<label for="confirm_password">New password again</label>
<input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" minlength="8" required${described}>
</div>
<button type="submit">Change password</button>
</form>`;
}

export function renderAccountPage(options: AccountPageOptions): RenderedPage {
  const notice = options.notice === undefined ? '' : html`<p class="notice" role="status">${options.notice}</p>`;
  return renderPage({
    title: 'Your account',
    wide: true,
    body: html`<h1>Your account</h1>
<p class="lead">Signed in as <strong>${options.username}</strong>.</p>
${options.admin === true ? html`<p><a class="return" href="/admin">Open the ops dashboard</a></p>` : ''}
${notice}
<section aria-labelledby="applications-heading">
<h2 id="applications-heading">Connected applications</h2>
${renderApplications(options)}
</section>
<section aria-labelledby="sessions-heading">
<h2 id="sessions-heading">Active sessions</h2>
<ul class="items">${options.sessions.map((session) => renderSession(session, options.csrfToken))}</ul>
<form method="post" action="/account/sessions/sign-out-everywhere">
${csrfField(options.csrfToken)}
<button type="submit" class="secondary">Sign out everywhere</button>
</form>
</section>
<section aria-labelledby="password-heading">
<h2 id="password-heading">Change password</h2>
<p class="muted">Changing your password signs you out everywhere else and ends the access of applications until you sign in to them again.</p>
${renderPasswordForm(options)}
</section>`,
  });
}
