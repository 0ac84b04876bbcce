// The executive and on-call views: a grid of headline figures with their charts, and breakdown tables under them.
import { renderFigureCard, type ChartFrame, type FigureCard } from './admin-chart.js';
import type { SeriesRange } from '../observability/time-series.js';
import { renderAdminPage, type OverviewView } from './admin-page.js';
import { html, type SafeHtml } from './html.js';
import type { RenderedPage } from './layout.js';

/** Counts by one label over the range ("security events by type"), largest first. */
export interface BreakdownTable {
  readonly title: string;
  readonly label: string;
  readonly rows: readonly (readonly [string, number])[];
  /** Said instead of an empty table. */
  readonly empty: string;
}

export interface OverviewPageOptions {
  readonly view: OverviewView;
  readonly range: SeriesRange;
  readonly covered: number;
  readonly frame: ChartFrame;
  readonly cards: readonly FigureCard[];
  readonly tables: readonly BreakdownTable[];
}

const TITLES = { executive: 'Executive overview', 'on-call': 'On-call' } as const;

function renderTable(table: BreakdownTable): SafeHtml {
  if (table.rows.length === 0) return html`<h2>${table.title}</h2><p class="muted">${table.empty}</p>`;
  const rows = table.rows.map(([key, count]) => html`<tr><td><code>${key}</code></td><td>${count}</td></tr>`);
  return html`<h2>${table.title}</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">${table.label}</th><th scope="col">Count</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

export function renderOverviewPage(options: OverviewPageOptions): RenderedPage {
  return renderAdminPage({
    title: TITLES[options.view],
    view: options.view,
    range: options.range,
    covered: options.covered,
    body: html`<div class="dashboard">${options.cards.map((card) => renderFigureCard(card, options.frame))}</div>
${options.tables.map(renderTable)}`,
  });
}

/** Metrics are off (`metrics.enabled`), so this process keeps no time series to chart. */
export function renderMetricsDisabled(view: OverviewView): RenderedPage {
  return renderAdminPage({
    title: TITLES[view],
    view,
    body: html`<p class="notice" role="status">Metrics are disabled on this instance (<code>metrics.enabled</code> is false), so there are no figures
to chart. The debug view still lists refused token requests and flows.</p>`,
  });
}
