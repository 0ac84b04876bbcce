// The page shell every person-facing page shares: document head, one stylesheet, and the page's CSP with a fresh nonce.
import { randomBytes } from 'node:crypto';
import { html, raw, type SafeHtml } from './html.js';

export interface PageOptions {
  /** The document title (plain text; escaped). */
  readonly title: string;
  /** The content of the card: build it with `html`. */
  readonly body: SafeHtml;
  readonly lang?: string;
  /** A trusted inline script (a constant, never request data); it runs under the page's nonce. */
  readonly script?: string;
  /**
   * URIs the page's forms may submit or be redirected to besides this origin (a client's redirect URI after login):
   * each contributes its origin, or its scheme for a native app's private-use scheme.
   */
  readonly formActions?: readonly string[];
  /** A wider card, for pages of lists (the account page). */
  readonly wide?: boolean;
  /** The full width of the window, for pages of charts and tables (the ops dashboard); wins over `wide`. */
  readonly full?: boolean;
  /** A trusted stylesheet (a constant, never request data) added after the shared one, under the page's nonce. */
  readonly style?: string;
  /** Reloads the page every so many seconds (a page of live figures). */
  readonly refreshSeconds?: number;
}

/** A rendered page and the Content-Security-Policy it must be sent with (its nonce is in both). */
export interface RenderedPage {
  readonly html: string;
  readonly csp: string;
}

/*
 * Classes pages may use: `brand` (the product line above the heading), `lead` (the sentence under the heading),
 * `muted`, `alert` (an error box; give it role="alert"), `actions` (a row of buttons), `secondary` (a quiet button),
 * `field` (a label and its input), `scopes` (a list of permissions), `request-id` (small print for support),
 * `return` (a link back to the application), `technical` (smaller print for developers), `items` (a list of things,
 * each an `li` with an `h3`), `facts` (small print under an item), `badge` (a short label), `notice` (a confirmation; role="status").
 */
const STYLE = `
:root{color-scheme:light dark;--bg:#eef1f5;--card:#fff;--text:#16191d;--muted:#4d5560;--border:#c9d0d8;--input:#6b7480;
--accent:#0b57d0;--accent-hover:#0842a0;--on-accent:#fff;--danger-bg:#fdecea;--danger:#9c1c1c;--focus:#0b57d0}
@media (prefers-color-scheme:dark){:root{--bg:#0e1013;--card:#1a1d22;--text:#e8eaed;--muted:#aab2bc;--border:#363c45;--input:#8a939e;
--accent:#8ab4f8;--accent-hover:#aecbfa;--on-accent:#0e1013;--danger-bg:#3a1517;--danger:#ffb4ab;--focus:#8ab4f8}}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;min-height:100vh;display:flex;flex-direction:column;align-items:center;justify-content:center;padding:1rem;
background:var(--bg);color:var(--text);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{width:100%;max-width:25rem;background:var(--card);border:1px solid var(--border);border-radius:12px;padding:2rem 1.5rem;
box-shadow:0 1px 2px rgba(0,0,0,.06),0 4px 16px rgba(0,0,0,.06)}
main.wide{max-width:40rem}
main.full{max-width:80rem}
@media (max-width:40rem){body{justify-content:flex-start;padding-top:2rem}}
@media (min-width:40rem){main{padding:2.5rem 2.25rem}}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .5rem;overflow-wrap:anywhere}
p{margin:0 0 1rem;overflow-wrap:anywhere}
main>:last-child{margin-bottom:0}
.brand{margin:0 0 1.25rem;font-size:.875rem;font-weight:600;letter-spacing:.04em;text-transform:uppercase;color:var(--muted)}
.lead{color:var(--muted)}
.muted{color:var(--muted);font-size:.9375rem}
.field{margin-top:1.25rem}
label{display:block;font-weight:600;margin-bottom:.375rem}
input[type=text],input[type=password],input[type=email]{display:block;width:100%;min-height:2.75rem;padding:.5rem .75rem;font:inherit;
color:var(--text);background:var(--card);border:1px solid var(--input);border-radius:8px}
button{display:block;width:100%;min-height:2.75rem;margin-top:1.5rem;padding:.5rem 1rem;font:inherit;font-weight:600;cursor:pointer;
color:var(--on-accent);background:var(--accent);border:1px solid var(--accent);border-radius:8px}
button:hover{background:var(--accent-hover);border-color:var(--accent-hover)}
button.secondary{color:var(--accent);background:transparent}
button.secondary:hover{color:var(--on-accent);background:var(--accent-hover)}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.5rem}
.actions button{flex:1 1 8rem;margin-top:0}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
input:focus-visible{border-color:var(--focus)}
.alert{margin:1.25rem 0 0;padding:.75rem 1rem;border:1px solid currentColor;border-radius:8px;color:var(--danger);background:var(--danger-bg)}
.scopes{margin:1rem 0;padding-left:1.25rem}
.scopes li{margin:.25rem 0}
.request-id{margin:1.5rem 0 0;font-size:.8125rem;color:var(--muted);overflow-wrap:anywhere}
a{color:var(--accent)}
.return{font-weight:600}
.technical{margin:.5rem 0 0;font-size:.75rem;color:var(--muted);overflow-wrap:anywhere}
h2{font-size:1.125rem;margin:2rem 0 .5rem}
.items{list-style:none;margin:0;padding:0}
.items>li{padding:1rem 0;border-top:1px solid var(--border);overflow-wrap:anywhere}
.items h3{font-size:1rem;margin:0 0 .25rem}
.items button{margin-top:.75rem}
.facts{margin:.25rem 0 0;font-size:.9375rem;color:var(--muted)}
.facts time{white-space:nowrap}
.badge{display:inline-block;margin-left:.5rem;padding:0 .5rem;font-size:.8125rem;font-weight:600;border:1px solid currentColor;border-radius:999px;color:var(--accent)}
.notice{margin:1.25rem 0 0;padding:.75rem 1rem;border:1px solid var(--border);border-radius:8px}
`.replace(/\n/g, '');

/** A CSP source for a URI: its origin for http(s), its scheme otherwise; undefined when it cannot be expressed safely. */
function formActionSource(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  const source = url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol;
  // A CSP source list is split on spaces and directives on semicolons: only plain origin characters may pass.
  return /^[A-Za-z][A-Za-z0-9+.-]*:(\/\/[A-Za-z0-9.:[\]-]+)?$/.test(source) ? source : undefined;
}

/** The page's policy: nothing loads but its own nonce'd style (and script, when it has one); no framing, no base. */
function contentSecurityPolicy(nonce: string, options: PageOptions): string {
  const extraActions = (options.formActions ?? []).map(formActionSource).filter((source) => source !== undefined);
  const formAction = ["'self'", ...new Set(extraActions)].join(' ');
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    ...(options.script === undefined ? [] : [`script-src 'nonce-${nonce}'`]),
    "img-src 'self'",
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

function mainClass(options: PageOptions): SafeHtml {
  if (options.full === true) return raw(' class="full"');
  return raw(options.wide === true ? ' class="wide"' : '');
}

/** Renders a full document around `body`, with a fresh nonce for this response only. */
export function renderPage(options: PageOptions): RenderedPage {
  const nonce = randomBytes(16).toString('base64');
  const script = options.script === undefined ? '' : html`<script nonce="${nonce}">${raw(options.script)}</script>`;
  const page = html`<!doctype html>
<html lang="${options.lang ?? 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${options.title}</title>
${options.refreshSeconds === undefined ? '' : html`<meta http-equiv="refresh" content="${String(options.refreshSeconds)}">`}
<style nonce="${nonce}">${raw(STYLE)}${raw(options.style ?? '')}</style>
</head>
<body>
<main${mainClass(options)}>
<p class="brand">Gatehouse</p>
${options.body}
</main>
${script}
</body>
</html>
`;
  return { html: page.value, csp: contentSecurityPolicy(nonce, options) };
}
