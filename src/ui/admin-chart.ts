// The ops dashboard's figures: a headline value and a server-rendered SVG line chart of it over the range, with axis
// labels, readable at a glance and needing no script (the pages' CSP allows none).
import type { ChartPoint } from '../observability/dashboard-figures.js';
import { html, type SafeHtml } from './html.js';

export type FigureUnit = 'percent' | 'count' | 'seconds';

export interface FigureCard {
  readonly title: string;
  readonly unit: FigureUnit;
  /** Over the whole range; null when there was nothing to measure. */
  readonly value: number | null;
  /** What the figure is, in plain words ("codes issued per authorization request"). */
  readonly explanation: string;
  /** One value per sample interval, oldest first. */
  readonly points: readonly ChartPoint[];
}

/** The time axis every chart of a page shares. */
export interface ChartFrame {
  readonly now: number;
  /** Seconds the chart spans, ending at `now`. */
  readonly span: number;
}

// Small enough that the labels stay legible when the chart is scaled down to a third of a screen.
const WIDTH = 400;
const HEIGHT = 170;
const PLOT = { left: 56, right: WIDTH - 8, top: 10, bottom: HEIGHT - 24 } as const;

/** "98.5%", "12", "87 ms", "1.25 s"; a dash when there is nothing to show. */
export function formatFigure(value: number | null, unit: FigureUnit): string {
  if (value === null) return '–';
  if (unit === 'percent') return `${(value * 100).toFixed(1)}%`;
  if (unit === 'count') return String(Math.round(value));
  return value < 1 ? `${Math.round(value * 1000)} ms` : `${value.toFixed(2)} s`;
}

/** The top of the y axis: 100% for rates, otherwise the largest value rounded up to 1, 2 or 5 times a power of ten. */
function axisTop(points: readonly ChartPoint[], unit: FigureUnit): number {
  if (unit === 'percent') return 1;
  const largest = Math.max(0, ...points.map((point) => point.value ?? 0));
  if (largest === 0) return unit === 'count' ? 1 : 0.01;
  const power = 10 ** Math.floor(Math.log10(largest));
  return [1, 2, 5, 10].map((factor) => factor * power).find((top) => top >= largest) ?? largest;
}

/** The runs of consecutive points with a value: a line each, or a dot for a run of one (a young process has one interval). */
function lineRuns(points: readonly ChartPoint[], x: (at: number) => number, y: (value: number) => number): SafeHtml[] {
  const runs: [number, number][][] = [[]];
  for (const point of points) {
    if (point.value === null) runs.push([]);
    else runs.at(-1)!.push([x(point.at), y(point.value)]);
  }
  return runs
    .filter((run) => run.length > 0)
    .map((run) => {
      if (run.length > 1) return html`<polyline class="line" points="${run.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}"/>`;
      const [[px, py]] = run as [[number, number]];
      return html`<circle class="dot" cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3"/>`;
    });
}

/** An axis label: like the figure, but a millisecond or second value keeps its fraction (the middle of 5 ms is 2.5 ms). */
function formatTick(value: number, unit: FigureUnit): string {
  if (unit !== 'seconds' || value === 0) return formatFigure(value, unit);
  return value < 1 ? `${Number((value * 1000).toPrecision(3))} ms` : `${Number(value.toPrecision(3))} s`;
}

/** 0, the middle and the top; a count's middle only when it is a whole number. */
function valueTicks(top: number, unit: FigureUnit): number[] {
  return unit === 'count' && !Number.isInteger(top / 2) ? [0, top] : [0, top / 2, top];
}

/** "−60 min", "−30 min", "now"; or hours for a day. */
function timeLabel(secondsAgo: number): string {
  if (secondsAgo === 0) return 'now';
  return secondsAgo >= 7200 ? `−${secondsAgo / 3600} h` : `−${secondsAgo / 60} min`;
}

export function renderChart(card: FigureCard, frame: ChartFrame): SafeHtml {
  const top = axisTop(card.points, card.unit);
  const x = (at: number) => PLOT.left + (1 - (frame.now - at) / frame.span) * (PLOT.right - PLOT.left);
  const y = (value: number) => PLOT.bottom - (Math.min(value, top) / top) * (PLOT.bottom - PLOT.top);
  const yTicks = valueTicks(top, card.unit).map((value) => html`<line class="grid" x1="${PLOT.left}" x2="${PLOT.right}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}"/>
<text class="axis" x="${PLOT.left - 6}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end">${formatTick(value, card.unit)}</text>`);
  const xTicks = [frame.span, frame.span / 2, 0].map((ago) => html`<text class="axis" x="${x(frame.now - ago).toFixed(1)}" y="${HEIGHT - 8}" text-anchor="${ago === 0 ? 'end' : ago === frame.span ? 'start' : 'middle'}">${timeLabel(ago)}</text>`);
  const lines = lineRuns(card.points, x, y);
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${card.title} over time, now ${formatFigure(card.value, card.unit)}">
${yTicks}${xTicks}
<line class="axis-line" x1="${PLOT.left}" x2="${PLOT.left}" y1="${PLOT.top}" y2="${PLOT.bottom}"/>
${lines}
</svg>`;
}

/** "5 min", "7 s": the length of an interval. */
const durationLabel = (seconds: number): string => (seconds >= 60 ? `${Math.round(seconds / 60)} min` : `${seconds} s`);

export function renderFigureCard(card: FigureCard, frame: ChartFrame): SafeHtml {
  const slug = card.title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  // The last point runs from the last stored sample to the live reading, however short; one of no length measures nothing.
  const latest = card.points.findLast((point) => point.at > point.from);
  return html`<section class="figure-card" aria-labelledby="figure-${slug}">
<h2 id="figure-${slug}">${card.title}</h2>
<p class="figure" data-figure="${slug}">${formatFigure(card.value, card.unit)}</p>
<p class="facts">${card.explanation}</p>
${renderChart(card, frame)}
${latest === undefined ? '' : html`<p class="facts">Latest ${durationLabel(latest.at - latest.from)}: <span data-latest="${slug}">${formatFigure(latest.value, card.unit)}</span></p>`}
</section>`;
}

/** Styles of the dashboard's cards, charts and tables, added to the shared sheet. */
export const ADMIN_STYLE = `
.dashboard{display:grid;grid-template-columns:repeat(auto-fill,minmax(22rem,1fr));gap:1.5rem;margin-top:1.5rem}
.figure-card h2{margin:0;font-size:1rem}
.figure{margin:.25rem 0 0;font-size:2rem;font-weight:700;line-height:1.2}
.chart{display:block;width:100%;height:auto;margin-top:.5rem}
.chart .line{fill:none;stroke:var(--accent);stroke-width:2;stroke-linejoin:round}
.chart .dot{fill:var(--accent)}
.chart .grid{stroke:var(--border);stroke-width:1}
.chart .axis-line{stroke:var(--muted);stroke-width:1}
.chart .axis{fill:var(--muted);font-size:13px}
.admin-nav{display:flex;flex-wrap:wrap;gap:1rem;margin:0 0 .5rem}
.admin-nav a[aria-current=page]{font-weight:700;color:var(--text);text-decoration:none}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.875rem}
th,td{text-align:left;padding:.375rem .5rem;border-bottom:1px solid var(--border);vertical-align:top}
td code{overflow-wrap:anywhere}
`.replace(/\n/g, '');
