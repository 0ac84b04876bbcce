// The ops dashboard's page shell (navigation, range, the per-instance caveat, a periodic reload), and the pages shown
// instead of it to a browser without a session (401) or to a signed-in person who is not an admin (403).
import { coversRange, type SeriesRange } from '../observability/time-series.js';
import { ADMIN_STYLE } from './admin-chart.js';
import { html, type SafeHtml } from './html.js';
import { renderPage, type RenderedPage } from './layout.js';

export type AdminView = 'executive' | 'on-call' | 'debug';
/** The views that chart figures over a range. */
export type OverviewView = Exclude<AdminView, 'debug'>;

const VIEWS: readonly { readonly view: AdminView; readonly path: string; readonly label: string }[] = [
  { view: 'executive', path: '/admin', label: 'Executive' },
  { view: 'on-call', path: '/admin/on-call', label: 'On-call' },
  { view: 'debug', path: '/admin/debug', label: 'Debug' },
];

const RANGE_LABELS: Readonly<Record<SeriesRange, string>> = { hour: 'Last hour', day: 'Last day' };

/** Figures change every 10 s; a page left open reloads itself twice a minute. */
const REFRESH_SECONDS = 30;

export interface AdminPageOptions {
  readonly title: string;
  /** The view the navigation marks as current; none for a flow's timeline. */
  readonly view?: AdminView;
  /** The range shown, with links to the other; none on pages without charts. */
  readonly range?: SeriesRange;
  /** Seconds the figures cover: less than the range while the process is younger than it. */
  readonly covered?: number;
  readonly body: SafeHtml;
}

function navigation(current: AdminView | undefined): SafeHtml {
  const links = VIEWS.map(({ view, path, label }) => html`<a href="${path}"${view === current ? html` aria-current="page"` : ''}>${label}</a>`);
  return html`<nav class="admin-nav" aria-label="Dashboard views">${links}</nav>`;
}

function rangeLinks(view: AdminView, range: SeriesRange): SafeHtml {
  const path = VIEWS.find((entry) => entry.view === view)?.path ?? '/admin';
  const links = (Object.keys(RANGE_LABELS) as SeriesRange[]).map(
    (choice) => html`<a href="${path}?range=${choice}"${choice === range ? html` aria-current="page"` : ''}>${RANGE_LABELS[choice]}</a>`,
  );
  return html`<nav class="admin-nav" aria-label="Time range">${links}</nav>`;
}

/** "the last hour", or "the 12 minutes since this process started" when it is younger than the range. */
function coverage(range: SeriesRange, covered: number | undefined): string {
  if (covered === undefined || coversRange(range, covered)) return `the ${RANGE_LABELS[range].toLowerCase()}`;
  const minutes = Math.max(1, Math.round(covered / 60));
  return `the ${minutes === 1 ? 'minute' : `${minutes} minutes`} since this process started`;
}

export function renderAdminPage(options: AdminPageOptions): RenderedPage {
  const { view, range } = options;
  return renderPage({
    title: `${options.title} · Gatehouse ops`,
    full: true,
    style: ADMIN_STYLE,
    refreshSeconds: REFRESH_SECONDS,
    body: html`<h1>${options.title}</h1>
${navigation(view)}
${view !== undefined && range !== undefined ? rangeLinks(view, range) : ''}
<p class="muted">Per instance: ${range === undefined ? 'this page shows what this Gatehouse process alone has seen' : `these figures come from this Gatehouse process alone, over ${coverage(range, options.covered)}`};
each process keeps only what it served, in memory, and forgets it when it restarts. The page reloads every ${REFRESH_SECONDS} s;
<a href="">reload now</a>.</p>
${options.body}`,
  });
}

/** 401: nothing of the dashboard, only the way to sign in (the account sign-in; the dashboard is linked from there). */
export function renderAdminSignIn(): RenderedPage {
  return renderPage({
    title: 'Sign in to the ops dashboard',
    body: html`<h1>Sign in to the ops dashboard</h1>
<p class="lead">The ops dashboard is for administrators. Sign in with your Gatehouse account, then open it from your account page.</p>
<p><a class="return" href="/account">Sign in</a></p>`,
  });
}

/** 403: a signed-in person without the admin role; nothing of the dashboard either. */
export function renderAdminForbidden(): RenderedPage {
  return renderPage({
    title: 'Not available',
    body: html`<h1>Not available</h1>
<p class="lead">Your account cannot open the ops dashboard. An operator can grant access with <code>gatehouse users grant-admin</code>.</p>
<p><a class="return" href="/account">Your account</a></p>`,
  });
}
