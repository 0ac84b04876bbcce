// The web app's pages: small server-rendered HTML in the look of Gatehouse's own pages, every value escaped.
import { randomBytes } from 'node:crypto';
import type { Note } from './notes-api.js';

/** A page ready to send: its status, markup and the Content-Security-Policy carrying its style's nonce. */
export interface Page {
  readonly status: number;
  readonly html: string;
  readonly csp: string;
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escapes text for HTML content and quoted attributes: everything from Gatehouse or the API goes through it. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);

const STYLE = `
:root{color-scheme:light dark;--bg:#eef1f5;--card:#fff;--text:#16191d;--muted:#4d5560;--border:#c9d0d8;--accent:#0b57d0;
--accent-hover:#0842a0;--on-accent:#fff;--danger-bg:#fdecea;--danger:#9c1c1c;--note:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--bg:#0e1013;--card:#1a1d22;--text:#e8eaed;--muted:#aab2bc;--border:#363c45;
--accent:#8ab4f8;--accent-hover:#aecbfa;--on-accent:#0e1013;--danger-bg:#3a1517;--danger:#ffb4ab;--note:#22262c}}
*,*::before,*::after{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;flex-direction:column;align-items:center;padding:2rem 1rem;background:var(--bg);
color:var(--text);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{width:100%;max-width:36rem;background:var(--card);border:1px solid var(--border);border-radius:12px;padding:2rem 1.5rem;
box-shadow:0 1px 2px rgba(0,0,0,.06),0 4px 16px rgba(0,0,0,.06)}
@media (min-width:40rem){body{padding-top:4rem}main{padding:2.5rem 2.25rem}}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .5rem;overflow-wrap:anywhere}
h2{font-size:1.0625rem;margin:1.5rem 0 .5rem}
p{margin:0 0 1rem;overflow-wrap:anywhere}
.brand{margin:0 0 1.25rem;font-size:.875rem;font-weight:600;letter-spacing:.04em;text-transform:uppercase;color:var(--muted)}
.lead,.muted{color:var(--muted)}
.muted{font-size:.875rem;margin-top:1.5rem}
.button,button{display:block;width:100%;min-height:2.75rem;margin-top:1.5rem;padding:.5rem 1rem;font:inherit;font-weight:600;
text-align:center;text-decoration:none;cursor:pointer;color:var(--on-accent);background:var(--accent);border:1px solid var(--accent);border-radius:8px}
.button:hover,button:hover{background:var(--accent-hover);border-color:var(--accent-hover)}
button.secondary{color:var(--accent);background:transparent}
button.secondary:hover{color:var(--on-accent);background:var(--accent-hover)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.alert{margin:1rem 0;padding:.75rem 1rem;border:1px solid currentColor;border-radius:8px;color:var(--danger);background:var(--danger-bg)}
.notes{list-style:none;margin:0;padding:0}
.notes li{margin:.5rem 0;padding:.75rem 1rem;background:var(--note);border:1px solid var(--border);border-radius:8px;overflow-wrap:anywhere}
.notes strong{display:block}
code{font-size:.8125rem;overflow-wrap:anywhere}
`.replace(/\n/g, '');

/** A full document around `body`; the style runs under a fresh nonce, and forms may post here and lead on to Gatehouse. */
function render(status: number, title: string, body: string, issuer: string): Page {
  const nonce = randomBytes(16).toString('base64');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Notes</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<main>
<p class="brand">Notes · an example app</p>
${body}
</main>
</body>
</html>
`;
  // form-action covers the redirect that follows a form's POST: signing out goes on to Gatehouse's end_session_endpoint.
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self' ${new URL(issuer).origin}; frame-ancestors 'none'; base-uri 'none'`;
  return { status, html, csp };
}

const signInButton = (label: string): string => `<a class="button" href="/login">${escapeHtml(label)}</a>`;

/** The page of a visitor with no session; `notice` says why they were signed out, when they did not do it here. */
export function welcomePage(issuer: string, notice?: string): Page {
  const alert = notice === undefined ? '' : `<p class="alert" role="alert">${escapeHtml(notice)}</p>`;
  return render(
    200,
    'Welcome',
    `<h1>Your notes, behind Gatehouse</h1>${alert}<p class="lead">Sign in with your Gatehouse account to read the notes the Notes API keeps for you.</p>${signInButton('Sign in with Gatehouse')}`,
    issuer,
  );
}

export interface HomeView {
  readonly name: string;
  readonly subject: string;
  readonly formToken: string;
  /** The notes, or why the Notes API could not give them. */
  readonly notes: readonly Note[] | { readonly unavailable: string };
}

export function homePage(issuer: string, view: HomeView): Page {
  const notes = Array.isArray(view.notes)
    ? `<ul class="notes">${(view.notes as readonly Note[]).map((note) => `<li><strong>${escapeHtml(note.title)}</strong>${escapeHtml(note.body)}</li>`).join('')}</ul>`
    : `<p class="alert" role="alert">The Notes API is unavailable right now (${escapeHtml((view.notes as { unavailable: string }).unavailable)}). Reload to try again.</p>`;
  return render(
    200,
    'Your notes',
    `<h1>Hello, <span id="user-name">${escapeHtml(view.name)}</span></h1>
<p class="lead">Signed in with Gatehouse. The notes below come from the Notes API, called with an access token this app keeps on its server.</p>
<h2>Your notes</h2>${notes}
<form method="post" action="/logout"><input type="hidden" name="form_token" value="${escapeHtml(view.formToken)}"><button class="secondary">Sign out</button></form>
<p class="muted">Your Gatehouse user id: <code>${escapeHtml(view.subject)}</code></p>`,
    issuer,
  );
}

/** Where Gatehouse returns the browser after signing out (the registered post_logout_redirect_uri). */
export function signedOutPage(issuer: string): Page {
  return render(200, 'Signed out', `<h1>You are signed out</h1><p class="lead">You signed out of Notes and of Gatehouse.</p>${signInButton('Sign in again')}`, issuer);
}

/** A sign-in or request that failed: what happened in plain words, and the technical reason in small print. */
export function problemPage(issuer: string, status: number, heading: string, text: string, technical?: string): Page {
  const detail = technical === undefined ? '' : `<p class="muted">${escapeHtml(technical)}</p>`;
  return render(status, heading, `<h1>${escapeHtml(heading)}</h1><p class="lead">${escapeHtml(text)}</p>${signInButton('Sign in again')}${detail}`, issuer);
}
