// The ops dashboard's figures, computed from the time series as Prometheus would: increases of counters between two
// samples (a reset counts from zero), ratios of increases, and quantiles interpolated within histogram buckets.
import type { CounterFigure, LatencyBucket, MetricSnapshot } from './metric-snapshot.js';

/** A figure over the interval between two samples; null when it has no meaning there (no requests to rate). */
export type Measure = (from: MetricSnapshot, to: MetricSnapshot) => number | null;

/** A counter's increase; a smaller value means the counter restarted, so all of it is new. */
const increase = (before: number, after: number): number => (after >= before ? after - before : after);

export const countOf =
  (figure: CounterFigure): Measure =>
  (from, to) =>
    increase(from.counters[figure], to.counters[figure]);

/** `part` as a fraction of `whole` (0-1), null when `whole` did not move; capped at 1 (a request started before the interval may finish in it). */
export const ratioOf =
  (part: CounterFigure, whole: CounterFigure): Measure =>
  (from, to) => {
    const denominator = increase(from.counters[whole], to.counters[whole]);
    if (denominator === 0) return null;
    return Math.min(1, increase(from.counters[part], to.counters[part]) / denominator);
  };

function bucketIncreases(from: readonly LatencyBucket[], to: readonly LatencyBucket[]): LatencyBucket[] {
  return to.map((bucket) => ({ upperBound: bucket.upperBound, count: increase(from.find((earlier) => earlier.upperBound === bucket.upperBound)?.count ?? 0, bucket.count) }));
}

/**
 * The q-quantile (0-1) of cumulative buckets, as PromQL's histogram_quantile: linear within the bucket it falls in;
 * in the +Inf bucket, the highest finite bound. Null without observations.
 */
export function histogramQuantile(q: number, buckets: readonly LatencyBucket[]): number | null {
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let below = 0;
  for (const bucket of buckets) {
    if (bucket.count >= rank) {
      if (bucket.upperBound === Infinity) return lowerBound;
      // Earlier buckets held fewer than `rank`, so this one holds at least one observation.
      return lowerBound + (bucket.upperBound - lowerBound) * ((rank - below) / (bucket.count - below));
    }
    lowerBound = bucket.upperBound;
    below = bucket.count;
  }
  return lowerBound;
}

export const tokenLatencyQuantile =
  (q: number): Measure =>
  (from, to) =>
    histogramQuantile(q, bucketIncreases(from.tokenLatency, to.tokenLatency));

/** Each labelled value's increase over the window, largest first, leaving out what did not move. */
export function breakdownIncrease(from: Readonly<Record<string, number>>, to: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(to)
    .map(([key, value]): [string, number] => [key, increase(from[key] ?? 0, value)])
    .filter(([, value]) => value > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
}

/** One point of a chart: the measure over the interval ending at `at`. */
export interface ChartPoint {
  /** Epoch seconds at the start of the interval the value covers: the earlier sample. */
  readonly from: number;
  /** Epoch seconds at the end of the interval the value covers. */
  readonly at: number;
  /** Null where the figure has no value (no requests to rate): the line breaks there. */
  readonly value: number | null;
}

export interface MeasuredWindow {
  /** Over the whole window (first sample to the live reading). */
  readonly total: number | null;
  /** Over each interval between consecutive samples. */
  readonly points: readonly ChartPoint[];
}

/** `measure` over a window of samples (oldest first): in total, and interval by interval for the chart. */
export function measureWindow(measure: Measure, samples: readonly MetricSnapshot[]): MeasuredWindow {
  const first = samples[0];
  const last = samples.at(-1);
  if (first === undefined || last === undefined || first === last) return { total: null, points: [] };
  const points = samples.slice(1).map((sample, index): ChartPoint => ({ from: samples[index]!.at, at: sample.at, value: measure(samples[index]!, sample) }));
  return { total: measure(first, last), points };
}
