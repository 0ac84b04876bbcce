// Small PromQL builders shared by the alert rules and the dashboard, so both read the same series the same way.
import type { OpsMetric } from './metrics-used.js';

/**
 * The series of `metric` narrowed by the operator's selector (see selector.ts) and the rule's own matchers.
 * `selector` is already normalised; `matchers` are written by this module's callers, never taken from input.
 */
export function series(metric: OpsMetric, selector: string, matchers = ''): string {
  const inside = [selector, matchers].filter((part) => part !== '').join(',');
  return inside === '' ? metric : `${metric}{${inside}}`;
}

/** `sum [by (labels)] (rate(series[window]))`. */
export function sumRate(seriesText: string, window: string, by: readonly string[] = []): string {
  return `sum${byClause(by)}(rate(${seriesText}[${window}]))`;
}

/** `sum [by (labels)] (increase(series[window] [offset offset]))`. */
export function sumIncrease(seriesText: string, window: string, by: readonly string[] = [], offset?: string): string {
  return `sum${byClause(by)}(increase(${seriesText}[${window}]${offset === undefined ? '' : ` offset ${offset}`}))`;
}

/** The q-quantile of a histogram over `window`, from its `_bucket` series, per `by` labels. */
export function histogramQuantile(quantile: number, bucketSeries: string, window: string, by: readonly string[] = []): string {
  return `histogram_quantile(${quantile}, ${sumRate(bucketSeries, window, ['le', ...by])})`;
}

/** A regex matcher value for exact alternatives: `a|b`, each quoted for RE2 (dots and slashes are literal). */
export function anyOf(values: readonly string[]): string {
  return values.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).join('|');
}

function byClause(by: readonly string[]): string {
  return by.length === 0 ? '' : ` by (${by.join(', ')}) `;
}
